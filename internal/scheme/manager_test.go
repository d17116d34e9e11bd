package scheme_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/serverresources"
	"github.com/hookflow/hookflow/internal/testenv"
)

// cfg is the admin config of the control plane the package's tests share.
var cfg *rest.Config

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Stop()
	cfg = env.Config
	return m.Run()
}

// startManager starts a manager with the options every hookflow process
// uses (LocalManagerOptions: ManagerOptions without the metrics and probe
// listeners) and returns its client, which reads through the cache.
func startManager(t *testing.T) client.Client {
	t.Helper()
	mgr, err := ctrl.NewManager(cfg, scheme.LocalManagerOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("manager: %v", err)
		}
	})
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		t.Fatal("cache did not sync")
	}
	return mgr.GetClient()
}

// TestOwnedKindsAreCachedByLabelWithoutManagedFields checks that the cache
// holds only the Deployments labelled as hookflow's, without their
// managedFields.
func TestOwnedKindsAreCachedByLabelWithoutManagedFields(t *testing.T) {
	ctx := context.Background()
	direct := directClient(t)
	ns := testenv.NewNamespace(t, direct, "cache")
	cached := startManager(t)

	// The unlabelled one first: once the labelled one is in the cache, the
	// watch has delivered everything created before it.
	other, ours := deployment(ns, "someone-elses", nil),
		deployment(ns, "ours", map[string]string{serverresources.LabelManagedBy: serverresources.ManagedBy})
	testenv.Create(t, direct, other, ours)

	var got appsv1.Deployment
	testenv.Eventually(t, 20*time.Second, "labelled Deployment in the cache", func() (bool, string) {
		err := cached.Get(ctx, client.ObjectKeyFromObject(ours), &got)
		return err == nil, fmt.Sprint(err)
	})
	if len(got.ManagedFields) != 0 {
		t.Errorf("the cached Deployment has %d managedFields entries", len(got.ManagedFields))
	}
	// The API server has them: the cache stripped them.
	var fromAPI appsv1.Deployment
	if err := direct.Get(ctx, client.ObjectKeyFromObject(ours), &fromAPI); err != nil {
		t.Fatal(err)
	}
	if len(fromAPI.ManagedFields) == 0 {
		t.Fatal("the API server returned no managedFields: nothing to strip")
	}

	if err := cached.Get(ctx, client.ObjectKeyFromObject(other), &got); !apierrors.IsNotFound(err) {
		t.Errorf("Get of an unlabelled Deployment through the cache: %v, want NotFound", err)
	}
	var list appsv1.DeploymentList
	if err := cached.List(ctx, &list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Name != ours.Name {
		t.Errorf("cached List found %d Deployments, want only %s", len(list.Items), ours.Name)
	}
}

// TestRecordsAndRunsAreReadFromTheAPIServer checks that the manager's
// client reads WorksheetRecords and WorkflowRuns with a GET or LIST of the
// API server each time, right after they are written: a cache would answer
// the second read itself, and would hold every record in memory.
func TestRecordsAndRunsAreReadFromTheAPIServer(t *testing.T) {
	ctx := context.Background()
	direct := directClient(t)
	ns := testenv.NewNamespace(t, direct, "uncached")
	c := startManager(t)
	rec := &v1alpha1.WorksheetRecord{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "r1"},
		Spec:       v1alpha1.WorksheetRecordSpec{Worksheet: "orders"},
	}
	if err := c.Create(ctx, rec); err != nil {
		t.Fatal(err)
	}
	gets := testenv.APIRequests(t, cfg, "GET", "worksheetrecords", "")
	for range 2 {
		var got v1alpha1.WorksheetRecord
		if err := c.Get(ctx, client.ObjectKeyFromObject(rec), &got); err != nil {
			t.Fatalf("Get right after Create: %v", err)
		}
		if got.Spec.Worksheet != "orders" {
			t.Errorf("worksheet = %q", got.Spec.Worksheet)
		}
	}
	// Each read reaches the API server. A cached client would make none
	// (its informer LISTs and WATCHes instead); other clients of the
	// shared control plane may add some, so the count is a lower bound.
	if n := testenv.APIRequests(t, cfg, "GET", "worksheetrecords", "") - gets; n < 2 {
		t.Errorf("2 Gets of a WorksheetRecord made %d GET requests, want at least 2", n)
	}

	lists := testenv.APIRequests(t, cfg, "LIST", "workflowruns", "")
	for range 2 {
		var runs v1alpha1.WorkflowRunList
		if err := c.List(ctx, &runs, client.InNamespace(ns)); err != nil {
			t.Fatal(err)
		}
	}
	// A cached List would make one LIST (its informer's), then none.
	if n := testenv.APIRequests(t, cfg, "LIST", "workflowruns", "") - lists; n < 2 {
		t.Errorf("2 Lists of WorkflowRuns made %d LIST requests, want at least 2", n)
	}
}

func directClient(t *testing.T) client.Client {
	t.Helper()
	c, err := client.New(cfg, client.Options{Scheme: scheme.New()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func deployment(ns, name string, labels map[string]string) *appsv1.Deployment {
	selector := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: selector},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "example.com/app:1"}}},
			},
		},
	}
}
