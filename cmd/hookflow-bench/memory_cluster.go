package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
)

// memoryCreators is how many goroutines create the Workflows.
const memoryCreators = 32

// memoryControlPlane is the control plane of `hookflow-bench memory`:
// etcd and kube-apiserver through envtest, with the CRDs installed.
type memoryControlPlane struct {
	env        *envtest.Environment
	client     client.Client
	kubeconfig string // the manager's: an admin of its own
}

// startMemoryControlPlane starts the control plane and writes a kubeconfig
// for the manager into workDir.
func startMemoryControlPlane(assets, crds, workDir string) (*memoryControlPlane, error) {
	if assets == "" {
		return nil, errors.New("--assets (or $KUBEBUILDER_ASSETS) is required: the directory of etcd and kube-apiserver")
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{crds},
		ErrorIfCRDPathMissing: true,
		Scheme:                scheme.New(),
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("start the control plane: %w", err)
	}
	cp := &memoryControlPlane{env: env}
	if err := cp.setUp(cfg, workDir); err != nil {
		return nil, errors.Join(err, env.Stop())
	}
	return cp, nil
}

func (cp *memoryControlPlane) setUp(cfg *rest.Config, workDir string) error {
	c := rest.CopyConfig(cfg)
	c.QPS, c.Burst = clientQPS, clientBurst
	var err error
	if cp.client, err = client.New(c, client.Options{Scheme: scheme.New()}); err != nil {
		return fmt.Errorf("create a client: %w", err)
	}
	user, err := cp.env.AddUser(envtest.User{Name: "hookflow-manager", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("add the manager's user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig of the manager: %w", err)
	}
	cp.kubeconfig = filepath.Join(workDir, "kubeconfig")
	return os.WriteFile(cp.kubeconfig, kubeconfig, 0o600)
}

func (cp *memoryControlPlane) stop() error { return cp.env.Stop() }

// fill creates the manager's namespace, the samples' WebhookServer and
// Worksheet, n copies of the sample Workflow, and records WorksheetRecords
// written straight into etcd (seedRecordsThroughEtcd).
func (cp *memoryControlPlane) fill(ctx context.Context, samplesDir string, n int, records int64, seedWorkers int) (Seeding, error) {
	server, sheet, wf := &v1alpha1.WebhookServer{}, &v1alpha1.Worksheet{}, &v1alpha1.Workflow{}
	for file, obj := range map[string]client.Object{
		"hookflow_v1alpha1_webhookserver.yaml": server,
		"hookflow_v1alpha1_worksheet.yaml":     sheet,
		"hookflow_v1alpha1_workflow.yaml":      wf,
	} {
		if err := readSample(filepath.Join(samplesDir, file), obj); err != nil {
			return Seeding{}, err
		}
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: memoryManagerNamespace}}
	for _, obj := range []client.Object{ns, server, sheet} {
		if obj != ns {
			obj.SetNamespace(sampleNamespace)
		}
		if err := cp.client.Create(ctx, obj); err != nil {
			return Seeding{}, fmt.Errorf("create %T %s: %w", obj, obj.GetName(), err)
		}
	}
	if err := cp.createWorkflows(ctx, wf, n); err != nil {
		return Seeding{}, err
	}
	// Under load, the API server's watch cache may lag behind the creates
	// just made ("Too large resource version"): the seeding's LIST is
	// tried again. The seeding writes the same keys again, so a retry
	// never adds records.
	var (
		seeding Seeding
		err     error
	)
	for attempt := 1; ; attempt++ {
		seeding, err = seedRecordsThroughEtcd(ctx, cp.client, cp.env.ControlPlane.Etcd.URL.String(), sheet, records, seedWorkers)
		if err == nil || attempt == seedAttempts || ctx.Err() != nil {
			return seeding, err
		}
		time.Sleep(2 * time.Second)
	}
}

// seedAttempts bounds the tries of the seeding.
const seedAttempts = 3

// readSample decodes the one object of a sample file.
func readSample(path string, obj client.Object) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read sample: %w", err)
	}
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		return fmt.Errorf("decode sample %s: %w", path, err)
	}
	return nil
}

// createWorkflows creates n copies of wf, named <name>-0000 and on.
func (cp *memoryControlPlane) createWorkflows(ctx context.Context, wf *v1alpha1.Workflow, n int) error {
	return cp.createAll(ctx, n, func(i int) []client.Object {
		copied := wf.DeepCopy()
		copied.Name, copied.Namespace = fmt.Sprintf("%s-%04d", wf.Name, i), sampleNamespace
		return []client.Object{copied}
	})
}

// createAll creates the objects of objects(i) for every i below n, with
// memoryCreators goroutines, and returns every error.
func (cp *memoryControlPlane) createAll(ctx context.Context, n int, objects func(i int) []client.Object) error {
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range n {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range memoryCreators {
		wg.Go(func() {
			for i := range next {
				for _, obj := range objects(i) {
					if err := cp.client.Create(ctx, obj); err != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("create %T %s: %w", obj, obj.GetName(), err))
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// waitReady waits until want Workflows are Ready at their generation, and
// returns how many are. It gives up after timeout, when ctx ends, or when
// the manager exits (managerDone closes).
func (cp *memoryControlPlane) waitReady(ctx context.Context, want int, timeout time.Duration, managerDone <-chan struct{}) (int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		ready, err := cp.readyWorkflows(ctx)
		if err != nil {
			return ready, err
		}
		if ready >= want {
			return ready, nil
		}
		select {
		case <-ctx.Done():
			return ready, ctx.Err()
		case <-managerDone:
			return ready, fmt.Errorf("the manager exited with %d of %d Workflows Ready (see its manager.log)", ready, want)
		case <-deadline.C:
			return ready, fmt.Errorf("%d of %d Workflows Ready after %s", ready, want, timeout)
		case <-tick.C:
		}
	}
}

// readyWorkflows counts the Workflows whose Ready is True at their
// generation, in pages.
func (cp *memoryControlPlane) readyWorkflows(ctx context.Context) (int, error) {
	ready, next := 0, ""
	for {
		var list v1alpha1.WorkflowList
		if err := cp.client.List(ctx, &list, client.InNamespace(sampleNamespace), client.Limit(listPage), client.Continue(next)); err != nil {
			return ready, fmt.Errorf("list Workflows: %w", err)
		}
		for i := range list.Items {
			wf := &list.Items[i]
			if c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition); c != nil &&
				c.Status == metav1.ConditionTrue && c.ObservedGeneration == wf.Generation {
				ready++
			}
		}
		if next = list.Continue; next == "" {
			return ready, nil
		}
	}
}
