package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/testenv"
)

func TestWebhookServerDeploysTheServer(t *testing.T) {
	ns := newNamespace(t)
	ws := &v1alpha1.WebhookServer{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "default"},
		Spec: v1alpha1.WebhookServerSpec{
			Ingress: &v1alpha1.WebhookServerIngress{Enabled: true, Host: "hooks.example.com", TLS: &v1alpha1.IngressTLS{SecretName: "hooks-tls"}},
		},
	}
	create(t, ws)
	ws = waitCondition(t, ws, v1alpha1.ReadyCondition, metav1.ConditionFalse, "ReplicasNotReady")
	if ws.Status.URL != "https://hooks.example.com" {
		t.Errorf("url = %q, want the ingress host", ws.Status.URL)
	}

	name := client.ObjectKey{Namespace: ns, Name: "default-hookflow"}
	deploy := &appsv1.Deployment{}
	for _, obj := range []client.Object{deploy, &corev1.Service{}, &corev1.ServiceAccount{}, &rbacv1.Role{}, &rbacv1.RoleBinding{},
		&policyv1.PodDisruptionBudget{}, &networkingv1.Ingress{}} {
		if err := k8s.Get(context.Background(), name, obj); err != nil {
			t.Fatalf("%T: %v", obj, err)
		}
		if !metav1.IsControlledBy(obj, ws) {
			t.Errorf("%T is not controlled by the WebhookServer: %+v", obj, obj.GetOwnerReferences())
		}
	}
	if got := deploy.Spec.Template.Spec.Containers[0].Image; got != serverImage {
		t.Errorf("image = %q, want the operator's %q", got, serverImage)
	}
	if *deploy.Spec.Replicas != 2 {
		t.Errorf("replicas = %d, want the default 2", *deploy.Spec.Replicas)
	}

	// Pods becoming ready (no kubelet here: the test plays it) make it Ready.
	deploy.Status = appsv1.DeploymentStatus{ObservedGeneration: deploy.Generation, Replicas: 2, ReadyReplicas: 2}
	if err := k8s.Status().Update(context.Background(), deploy); err != nil {
		t.Fatal(err)
	}
	ws = waitCondition(t, ws, v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	if ws.Status.ReadyReplicas != 2 {
		t.Errorf("readyReplicas = %d", ws.Status.ReadyReplicas)
	}

	// One replica and no ingress: the PDB and the Ingress go.
	testenv.Update(t, k8s, ws, func(ws *v1alpha1.WebhookServer) {
		ws.Spec.Replicas = ptrTo(int32(1))
		ws.Spec.Ingress = nil
	})
	for _, obj := range []client.Object{&policyv1.PodDisruptionBudget{}, &networkingv1.Ingress{}} {
		eventually(t, "deletion of the "+obj.GetObjectKind().GroupVersionKind().Kind, func() (bool, string) {
			err := k8s.Get(context.Background(), name, obj)
			return apierrors.IsNotFound(err), "still there"
		})
	}
	eventually(t, "Deployment scaled to 1", func() (bool, string) {
		if err := k8s.Get(context.Background(), name, deploy); err != nil {
			return false, err.Error()
		}
		return *deploy.Spec.Replicas == 1, "not yet"
	})
	// The status is written after the objects are applied: wait for it.
	eventually(t, "url without ingress is the Service address", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ws), ws); err != nil {
			return false, err.Error()
		}
		return ws.Status.URL == "http://default-hookflow."+ns+".svc", "url: " + ws.Status.URL
	})
}

func TestWebhookServerCountsItsRoutes(t *testing.T) {
	ns := newNamespace(t)
	ws := testenv.WebhookServer(ns)
	ws.Spec.ExternalURL = "https://hooks.example.com/base/"
	create(t, ws, testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "one"), testenv.OrderWorkflow(ns, "two"))
	broken := testenv.OrderWorkflow(ns, "broken")
	broken.Spec.Steps[0].CreateRecord.Worksheet = "missing"
	create(t, broken)

	wf := waitCondition(t, testenv.OrderWorkflow(ns, "one"), v1alpha1.ReadyCondition, metav1.ConditionTrue, "Succeeded")
	if want := "https://hooks.example.com/base/hooks/" + wf.Status.WebhookID; wf.Status.WebhookURL != want {
		t.Errorf("webhookURL = %q, want %q", wf.Status.WebhookURL, want)
	}
	eventually(t, "routes = 2", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ws), ws); err != nil {
			return false, err.Error()
		}
		return ws.Status.Routes == 2, fmt.Sprintf("routes: %d", ws.Status.Routes)
	})
}

// TestWebhookServerCustomImageNotAllowed: the suite's manager runs without
// --allow-custom-server-image, so a WebhookServer with spec.image is
// refused, terminally, and nothing of it is deployed until it drops it.
func TestWebhookServerCustomImageNotAllowed(t *testing.T) {
	ns := newNamespace(t)
	ws := testenv.WebhookServer(ns)
	ws.Spec.Image = "registry.example.com/somebody-else:latest"
	create(t, ws)
	ws = waitCondition(t, ws, v1alpha1.ReadyCondition, metav1.ConditionFalse, "CustomImageNotAllowed")
	ready := meta.FindStatusCondition(ws.Status.Conditions, v1alpha1.ReadyCondition)
	if !strings.Contains(ready.Message, "--allow-custom-server-image") {
		t.Errorf("message %q does not say how to allow custom images", ready.Message)
	}
	if !meta.IsStatusConditionTrue(ws.Status.Conditions, v1alpha1.StalledCondition) {
		t.Error("the refusal is not terminal (Stalled is not True)")
	}
	name := client.ObjectKey{Namespace: ns, Name: "default-hookflow"}
	for _, obj := range []client.Object{&appsv1.Deployment{}, &corev1.ServiceAccount{}, &rbacv1.Role{}, &rbacv1.RoleBinding{}, &corev1.Service{}} {
		if err := k8s.Get(context.Background(), name, obj); !apierrors.IsNotFound(err) {
			t.Errorf("%T: %v, want not found", obj, err)
		}
	}

	testenv.Update(t, k8s, ws, func(ws *v1alpha1.WebhookServer) { ws.Spec.Image = "" })
	waitCondition(t, ws, v1alpha1.ReadyCondition, metav1.ConditionFalse, "ReplicasNotReady")
	deploy := &appsv1.Deployment{}
	if err := k8s.Get(context.Background(), name, deploy); err != nil {
		t.Fatal(err)
	}
	if got := deploy.Spec.Template.Spec.Containers[0].Image; got != serverImage {
		t.Errorf("image = %q, want the operator's %q", got, serverImage)
	}
}
