package main

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// foreignNamespace holds the objects of a cluster that are not
// hookflow's.
const foreignNamespace = "others"

// foreignObjects are the i-th Deployment, Service and Role of a cluster's
// other applications: the kinds hookflow deploys a WebhookServer as, not
// labelled app.kubernetes.io/managed-by=hookflow. A manager that cached
// those kinds whole (before issue #9 item 3) would hold every one of them.
func foreignObjects(i int) []client.Object {
	name := fmt.Sprintf("app-%05d", i)
	labels := map[string]string{"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "others"}
	meta := metav1.ObjectMeta{Namespace: foreignNamespace, Name: name, Labels: labels,
		Annotations: map[string]string{"example.com/owner": "team-" + name}}
	env := make([]corev1.EnvVar, 8)
	for j := range env {
		env[j] = corev1.EnvVar{Name: fmt.Sprintf("SETTING_%d", j), Value: fmt.Sprintf("value of setting %d of %s", j, name)}
	}
	return []client.Object{
		&appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "registry.example.com/" + name + ":1.0.0", Env: env,
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}}}},
			}},
		}},
		// Headless: the control plane's service range holds 254 addresses.
		&corev1.Service{ObjectMeta: meta, Spec: corev1.ServiceSpec{Selector: labels, ClusterIP: corev1.ClusterIPNone,
			Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}},
		&rbacv1.Role{ObjectMeta: meta, Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}},
	}
}

// createForeign creates the namespace of the other applications and n
// sets of foreignObjects.
func (cp *memoryControlPlane) createForeign(ctx context.Context, n int) error {
	if n == 0 {
		return nil
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: foreignNamespace}}
	if err := cp.client.Create(ctx, ns); err != nil {
		return fmt.Errorf("create namespace %s: %w", foreignNamespace, err)
	}
	return cp.createAll(ctx, n, foreignObjects)
}
