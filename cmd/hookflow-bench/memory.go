package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// memoryOptions are the flags of `hookflow-bench memory`.
type memoryOptions struct {
	Manager      string
	AssetsDir    string
	CRDDir       string
	SamplesDir   string
	Workflows    int
	Foreign      int
	Records      int64
	SeedWorkers  int
	ReadyTimeout time.Duration
	SampleFor    time.Duration
	WorkDir      string
	Log          logr.Logger
}

// Settings of the manager under measurement.
const (
	memoryManagerNamespace = "hookflow-system"
	memoryServerImage      = "registry.example.com/hookflow:memory"
	// rssSampleEvery is the period of the samples of /proc/<pid>/status.
	rssSampleEvery = 200 * time.Millisecond
)

// runMemory is `hookflow-bench memory`: the resident memory of a `hookflow
// manager` binary over a control plane that holds one WebhookServer, one
// Worksheet with Records records and Workflows Workflows.
func runMemory(args []string) error {
	var opts memoryOptions
	fs := flag.NewFlagSet("hookflow-bench memory", flag.ContinueOnError)
	fs.StringVar(&opts.Manager, "manager", "bin/hookflow", "The hookflow binary whose `manager` command is measured.")
	fs.StringVar(&opts.AssetsDir, "assets", os.Getenv("KUBEBUILDER_ASSETS"), "Directory with etcd and kube-apiserver (hack/control-plane.sh prints it).")
	fs.StringVar(&opts.CRDDir, "crds", "config/crd/bases", "Directory of the CRD manifests.")
	fs.StringVar(&opts.SamplesDir, "samples", "config/samples", "Directory of the samples: its WebhookServer, Worksheet and Workflow are the ones created.")
	fs.IntVar(&opts.Workflows, "workflows", 1000, "Workflows created (copies of the sample Workflow) before the manager starts.")
	fs.IntVar(&opts.Foreign, "foreign", 0, "Deployments, Services and Roles (of each) of other applications, without hookflow's label, created before the manager starts: what a real cluster holds besides hookflow's.")
	fs.Int64Var(&opts.Records, "records", targetSeededRecords, "WorksheetRecords of the sample Worksheet written into etcd before the manager starts.")
	fs.IntVar(&opts.SeedWorkers, "seed-workers", 4, "Concurrent etcd transactions (100 records each) writing the records.")
	fs.DurationVar(&opts.ReadyTimeout, "ready-timeout", 3*time.Minute, "Longest wait for every Workflow to be Ready.")
	fs.DurationVar(&opts.SampleFor, "sample-for", 20*time.Second, "How long the resident memory is sampled once every Workflow is Ready.")
	fs.StringVar(&opts.WorkDir, "workdir", "", "Directory for the kubeconfig and the manager's log (default: a new temporary directory, removed at the end).")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts.Log = zap.New(zap.UseDevMode(true), zap.WriteTo(os.Stderr))
	ctrl.SetLogger(opts.Log)
	m, err := measureMemory(ctrl.SetupSignalHandler(), opts)
	if err != nil {
		return err
	}
	printMemory(os.Stdout, opts, m)
	return nil
}

// memoryMeasurement is what one run measured.
type memoryMeasurement struct {
	Seeding     Seeding
	Ready       int           // Workflows Ready at the end of the wait
	TimeToReady time.Duration // from the manager's start until every Workflow was Ready
	RSS         rssSummary    // the samples taken once every Workflow was Ready
	PeakKiB     int64         // VmHWM at the end: the largest resident set since the start
}

// measureMemory starts the control plane, fills it, starts the manager,
// waits until the Workflows are Ready, samples the manager's memory, and
// stops everything.
func measureMemory(ctx context.Context, opts memoryOptions) (memoryMeasurement, error) {
	var m memoryMeasurement
	workDir := opts.WorkDir
	if workDir == "" {
		dir, err := os.MkdirTemp("", "hookflow-memory-")
		if err != nil {
			return m, err
		}
		defer os.RemoveAll(dir)
		workDir = dir
	}
	cp, err := startMemoryControlPlane(opts.AssetsDir, opts.CRDDir, workDir)
	if err != nil {
		return m, err
	}
	defer func() {
		if err := cp.stop(); err != nil {
			opts.Log.Error(err, "Cannot stop the control plane")
		}
	}()
	opts.Log.Info("Creating the objects", "workflows", opts.Workflows, "records", opts.Records, "foreign", opts.Foreign)
	if err := cp.createForeign(ctx, opts.Foreign); err != nil {
		return m, err
	}
	if m.Seeding, err = cp.fill(ctx, opts.SamplesDir, opts.Workflows, opts.Records, opts.SeedWorkers); err != nil {
		return m, err
	}

	manager, err := startManager(opts.Manager, cp.kubeconfig, workDir)
	if err != nil {
		return m, err
	}
	defer func() {
		if err := manager.stop(10 * time.Second); err != nil && ctx.Err() == nil {
			opts.Log.Info("Manager stopped", "exit", err.Error())
		}
	}()
	started := time.Now()
	opts.Log.Info("Manager started; waiting for the Workflows to be Ready", "binary", opts.Manager, "pid", manager.cmd.Process.Pid)
	if m.Ready, err = cp.waitReady(ctx, opts.Workflows, opts.ReadyTimeout, manager.done); err != nil {
		return m, err
	}
	m.TimeToReady = time.Since(started)
	opts.Log.Info("Every Workflow is Ready; sampling the resident memory", "after", m.TimeToReady.Round(time.Millisecond), "for", opts.SampleFor)
	status := filepath.Join("/proc", fmt.Sprint(manager.cmd.Process.Pid), "status")
	if m.RSS, m.PeakKiB, err = sampleRSS(ctx, status, opts.SampleFor, rssSampleEvery); err != nil {
		return m, err
	}
	return m, nil
}

// startManager starts `<binary> manager` against the kubeconfig, with its
// metrics and probes on free ports, leader election off, and its output in
// workDir/manager.log.
func startManager(binary, kubeconfig, workDir string) (*child, error) {
	metrics, err := freeAddress()
	if err != nil {
		return nil, err
	}
	probes, err := freeAddress()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(workDir, "manager.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, "manager", "--kubeconfig", kubeconfig,
		"--metrics-bind-address", metrics, "--health-probe-bind-address", probes, "--leader-elect=false",
		"--server-image", memoryServerImage, "--namespace", memoryManagerNamespace)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	return startChild(cmd)
}

// printMemory prints the figures of a run.
func printMemory(w io.Writer, opts memoryOptions, m memoryMeasurement) {
	mib := func(kib int64) string { return fmt.Sprintf("%.1f MiB", float64(kib)/1024) }
	fmt.Fprintf(w, "manager             %s\n", opts.Manager)
	fmt.Fprintf(w, "records             %d present (%d seeded into etcd in %.1f s)\n", m.Seeding.Present, m.Seeding.Seeded, m.Seeding.Seconds)
	if m.Seeding.Note != "" {
		fmt.Fprintf(w, "                    (%s)\n", m.Seeding.Note)
	}
	if opts.Foreign > 0 {
		fmt.Fprintf(w, "other applications  %d Deployments, Services and Roles each, not hookflow's\n", opts.Foreign)
	}
	fmt.Fprintf(w, "workflows Ready     %d of %d, %.1f s after the manager started\n", m.Ready, opts.Workflows, m.TimeToReady.Seconds())
	fmt.Fprintf(w, "RSS peak (VmHWM)    %s\n", mib(m.PeakKiB))
	fmt.Fprintf(w, "RSS steady          %s (median of %d samples over %s once Ready; min %s, max %s)\n",
		mib(m.RSS.MedianKiB), m.RSS.Samples, opts.SampleFor, mib(m.RSS.MinKiB), mib(m.RSS.MaxKiB))
}
