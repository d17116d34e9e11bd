// Command hookflow-bench is `make bench` (DESIGN §9): it starts
// `hookflow dev --postgres`, measures with vegeta a bare gin handler (the
// ceiling), hookflow's reject path and its accept paths on the
// CustomResource and Postgres stores, and the stores' own ceilings (a
// client-go create loop and a pgbench insert loop), checks that the
// records equal the 2xx answers, measures the accept paths again with
// 50,000 records present, prints a table and writes bench/results.json.
//
// `hookflow-bench ceiling --bind <addr>` is the gin ceiling server, which
// the bench runs as a child process.
//
// `hookflow-bench memory --manager <binary>` (make memory) measures the
// resident memory of `hookflow manager` with 1,000 Workflows and 50,000
// WorksheetRecords in a local control plane.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "ceiling":
		err = runCeiling(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "memory":
		err = runMemory(os.Args[2:])
	default:
		err = runBench(os.Args[1:])
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "hookflow-bench: %v\n", err)
		os.Exit(1)
	}
}

// runBench parses the flags of the bench and runs it.
func runBench(args []string) error {
	var opts benchOptions
	fs := flag.NewFlagSet("hookflow-bench", flag.ContinueOnError)
	fs.StringVar(&opts.Dev.Binary, "hookflow", "bin/hookflow", "The hookflow binary.")
	fs.StringVar(&opts.Dev.AssetsDir, "assets", os.Getenv("KUBEBUILDER_ASSETS"), "Directory with etcd, kube-apiserver and kubectl (hack/control-plane.sh prints it).")
	fs.StringVar(&opts.Dev.CRDDir, "crds", "config/crd/bases", "Directory of the CRD manifests.")
	fs.StringVar(&opts.Dev.SamplesDir, "samples", "config/samples", "Directory of the samples.")
	fs.BoolVar(&opts.Dev.Postgres, "postgres", true, "Run hookflow dev with --postgres and measure the Postgres lines.")
	fs.DurationVar(&opts.Dev.StartTimeout, "start-timeout", 90*time.Second, "Longest wait for hookflow dev to serve the samples.")
	fs.StringVar(&opts.Out, "out", "bench/results.json", "Where the results are written.")
	fs.DurationVar(&opts.Duration, "duration", 7*time.Second, "Length of each measurement.")
	fs.IntVar(&opts.Connections, "connections", 32, "Connections (and workers) of each load, clients of pgbench, goroutines of the client-go loop.")
	fs.StringVar(&opts.Pgbench, "pgbench", "pgbench", "The pgbench binary.")
	fs.Int64Var(&opts.Seed, "seed", targetSeededRecords, "Records present in each Worksheet for the second accept runs.")
	fs.IntVar(&opts.SeedWorkers, "seed-workers", 4, "Concurrent etcd transactions (100 records each) writing the seeded WorksheetRecords.")
	fs.StringVar(&opts.WorkDir, "workdir", "", "Directory for the state of hookflow dev and the logs (default: a new temporary directory, removed at the end).")
	fs.StringVar(&opts.CPUProfile, "cpuprofile", "", "Write a CPU profile of hookflow dev (started with --pprof) to this file, taken during the first slice of --cpuprofile-line.")
	fs.StringVar(&opts.ProfiledLine, "cpuprofile-line", linePGAccept, "The line during which the CPU profile is taken: \""+lineReject+"\", \""+lineCRAccept+"\" or \""+linePGAccept+"\".")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if opts.CPUProfile != "" {
		addr, err := freeAddress()
		if err != nil {
			return err
		}
		opts.Dev.PprofAddress = addr
	}
	log := zap.New(zap.UseDevMode(true), zap.WriteTo(os.Stderr))
	ctrl.SetLogger(log)
	opts.Log = log
	return run(ctrl.SetupSignalHandler(), opts)
}
