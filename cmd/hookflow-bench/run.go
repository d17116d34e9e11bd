package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/go-logr/logr"
	"github.com/jackc/pgx/v5/pgxpool"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// benchOptions configure a bench run.
type benchOptions struct {
	Dev         devOptions
	Out         string
	Duration    time.Duration
	Connections int
	Pgbench     string
	Seed        int64
	SeedWorkers int
	WorkDir     string
	// CPUProfile, when set, receives a CPU profile of hookflow dev taken
	// during the first slice of the ProfiledLine.
	CPUProfile   string
	ProfiledLine string
	Log          logr.Logger
}

// errRecordsMismatch is returned when the records differ from the 2xx
// answers.
var errRecordsMismatch = errors.New("the records do not match the 2xx answers")

// bench is a run in progress.
type bench struct {
	opts    benchOptions
	log     logr.Logger
	start   time.Time
	c       client.Client
	ms      map[string]Measurement
	results Results

	crURL, pgURL       string
	crSheet, pgSheet   *v1alpha1.Worksheet
	clientGoSheet      *v1alpha1.Worksheet
	pool               *pgxpool.Pool
	dsn, pgTable       string
	etcd               string // client URL of hookflow dev's etcd
	crAccepted         int64  // 2xx answers of the CR accept runs
	pgAccepted         int64  // 2xx answers of the PG accept runs
	crSeeded, pgSeeded int64
	loadAtStart        string
}

// run is the whole bench: start, measure, check, seed, measure again,
// report. The environment is stopped whatever happens.
func run(ctx context.Context, opts benchOptions) (retErr error) {
	b := &bench{opts: opts, log: opts.Log, start: time.Now(), ms: map[string]Measurement{}, loadAtStart: loadAverage()}
	dir := opts.WorkDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "hookflow-bench-"); err != nil {
			return fmt.Errorf("create a work directory: %w", err)
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the work directory: %w", err)
	}
	b.log.Info("Starting hookflow dev", "postgres", opts.Dev.Postgres, "dir", dir)
	dev, err := startDev(ctx, dir, opts.Dev)
	if err != nil {
		return err
	}
	defer func() {
		b.log.Info("Stopping hookflow dev")
		if err := dev.stop(60 * time.Second); err != nil {
			retErr = errors.Join(retErr, fmt.Errorf("stop hookflow dev (log: %s): %w", dev.LogPath, err))
		}
	}()
	b.log.Info("hookflow dev serves the samples", "seconds", time.Since(b.start).Seconds())
	if err := b.connect(ctx, dev); err != nil {
		return err
	}
	if b.pool != nil {
		defer b.pool.Close()
	}
	if err := b.measure(ctx, dir); err != nil {
		return err
	}
	return b.report()
}

// connect finds the samples' URLs and Worksheets, creates the client-go
// loop's Worksheet and opens the PostgreSQL pool.
func (b *bench) connect(ctx context.Context, dev *devServer) error {
	c, err := newClient(dev.kubeconfig())
	if err != nil {
		return err
	}
	b.c = c
	if b.crURL, err = servedURL(ctx, c, crWorkflow); err != nil {
		return err
	}
	if b.crSheet, err = worksheet(ctx, c, crWorksheet); err != nil {
		return err
	}
	// The client-go loop writes the same objects under a Worksheet of its
	// own, so that they do not mix with the records of the CR accept runs.
	b.clientGoSheet = &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: sampleNamespace, Name: clientGoSheet},
		Spec:       *b.crSheet.Spec.DeepCopy(),
	}
	if err := c.Create(ctx, b.clientGoSheet); err != nil {
		return fmt.Errorf("create Worksheet %s: %w", clientGoSheet, err)
	}
	if b.etcd, err = dev.etcdURL(); err != nil {
		return err
	}
	if !b.opts.Dev.Postgres {
		return nil
	}
	if b.pgURL, err = servedURL(ctx, c, pgWorkflow); err != nil {
		return err
	}
	if b.pgSheet, err = worksheet(ctx, c, pgWorksheet); err != nil {
		return err
	}
	b.pgTable = pgTable(b.pgSheet)
	if b.dsn, err = dev.postgresDSN(); err != nil {
		return err
	}
	cfg, err := pgxpool.ParseConfig(b.dsn)
	if err != nil {
		return errors.New("the PostgreSQL connection string of hookflow dev does not parse")
	}
	cfg.MaxConns = 4
	if b.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return fmt.Errorf("connect to the PostgreSQL of hookflow dev: %w", err)
	}
	return nil
}
