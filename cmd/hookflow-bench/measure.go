package main

import (
	"context"
	"strconv"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/hookflow/hookflow/internal/store"
)

// measure runs every measurement in order. Each line is measured
// interleaved with the line it is compared with (interleave); the lines
// with 50,000 records run after the seeding, alone.
func (b *bench) measure(ctx context.Context, dir string) error {
	if err := b.measureHTTPPaths(ctx); err != nil {
		return err
	}
	clientGoCreated, err := b.measureCR(ctx)
	if err != nil {
		return err
	}
	if b.pool != nil {
		if err := b.measurePG(ctx, dir); err != nil {
			return err
		}
	}
	if err := b.checkRecords(ctx, "after the first runs"); err != nil {
		return err
	}
	found, err := countRecords(ctx, b.c, clientGoSheet)
	if err != nil {
		return err
	}
	b.results.Checks = append(b.results.Checks, check("client-go loop ("+clientGoSheet+")", "after the loop", clientGoCreated, found))

	if err := b.seed(ctx); err != nil {
		return err
	}
	cr := b.httpLoad(lineCRAccept50, orderTargeter(b.crURL, "D"), is2xx)
	b.log.Info("Measuring", "line", cr.Name, "seconds", b.opts.Duration.Seconds())
	cr.slice(b.opts.Duration)
	b.crAccepted += b.keep(cr.measurement(), b.crAccepted+b.crSeeded)
	if b.pool != nil {
		pg := b.httpLoad(linePGAccept50, orderTargeter(b.pgURL, "Q"), is2xx)
		b.log.Info("Measuring", "line", pg.Name, "seconds", b.opts.Duration.Seconds())
		pg.slice(b.opts.Duration)
		b.pgAccepted += b.keep(pg.measurement(), b.pgAccepted+b.pgSeeded)
	}
	return b.checkRecords(ctx, "at the end")
}

// measureHTTPPaths measures the gin ceiling, in a child process, and the
// reject path.
func (b *bench) measureHTTPPaths(ctx context.Context) error {
	ceiling, err := startCeiling(ctx)
	if err != nil {
		return err
	}
	gin := b.httpLoad(lineCeiling, orderTargeter(ceiling.URL, "G"), is2xx)
	reject := b.httpLoad(lineReject, rejectTargeter(b.crURL), is400)
	b.log.Info("Measuring", "lines", []string{gin.Name, reject.Name}, "seconds", b.opts.Duration.Seconds())
	_ = interleave(b.opts.Duration, sliceOf(gin.slice), b.profiledFirst(ctx, reject))
	if err := ceiling.stop(10 * time.Second); err != nil {
		b.log.Info("The ceiling server did not stop cleanly", "error", err.Error())
	}
	b.keep(gin.measurement(), 0)
	b.keep(reject.measurement(), 0)
	return nil
}

// measureCR measures the CR accept path and the client-go loop, and
// returns the number of records the loop created.
func (b *bench) measureCR(ctx context.Context) (int64, error) {
	accept := b.httpLoad(lineCRAccept, orderTargeter(b.crURL, "C"), is2xx)
	ws := b.clientGoSheet
	loop := &createLoop{Client: b.c, Workers: b.opts.Connections,
		Record: func(n uint64) (store.Record, error) {
			id := strconv.FormatUint(n, 10)
			return orderRecord(ws, clientGoWorkflow, "clientgo-"+id, "K-"+id, time.Now())
		}}
	b.log.Info("Measuring", "lines", []string{accept.Name, lineClientGo}, "seconds", b.opts.Duration.Seconds())
	_ = interleave(b.opts.Duration, b.profiledFirst(ctx, accept), func(d time.Duration) error {
		loop.slice(ctx, d)
		return ctx.Err()
	})
	b.crAccepted += b.keep(accept.measurement(), 0)
	m := loop.measurement()
	b.keep(m, 0)
	return m.OK, ctx.Err()
}

// measurePG measures the PG accept path and the pgbench loop, with a CPU
// profile of hookflow dev during the first PG slice when asked for.
func (b *bench) measurePG(ctx context.Context, dir string) error {
	accept := b.httpLoad(linePGAccept, orderTargeter(b.pgURL, "P"), is2xx)
	pgbench := &pgbenchLoop{
		Binary: b.opts.Pgbench, DSN: b.dsn, Table: b.pgTable, Fields: b.pgSheet.Spec.Fields,
		Clients: b.opts.Connections, Threads: min(2, b.opts.Connections), Dir: dir,
	}
	if err := pgbench.prepare(ctx, b.pool); err != nil {
		return err
	}
	b.log.Info("Measuring", "lines", []string{accept.Name, linePgbench}, "seconds", b.opts.Duration.Seconds())
	err := interleave(b.opts.Duration, b.profiledFirst(ctx, accept), func(d time.Duration) error { return pgbench.slice(ctx, d) })
	b.pgAccepted += b.keep(accept.measurement(), 0)
	if err != nil {
		return err
	}
	b.keep(pgbench.measurement(), 0)
	return nil
}

// profiledFirst is the slices of l for interleave; when l is the line to
// profile, a CPU profile of hookflow dev is taken during its first slice.
func (b *bench) profiledFirst(ctx context.Context, l *httpLoad) func(time.Duration) error {
	first := b.opts.CPUProfile != "" && b.opts.ProfiledLine == l.Name
	return func(d time.Duration) error {
		if !first {
			l.slice(d)
			return nil
		}
		first = false
		profiled := make(chan error, 1)
		secs := max(int(d/time.Second), 1)
		go func() { profiled <- cpuProfile(ctx, b.opts.Dev.PprofAddress, secs, b.opts.CPUProfile) }()
		l.slice(d)
		if err := <-profiled; err != nil {
			b.log.Error(err, "No CPU profile")
			return nil
		}
		b.log.Info("CPU profile of hookflow dev written", "line", l.Name, "path", b.opts.CPUProfile, "seconds", secs)
		return nil
	}
}

// httpLoad is a vegeta load of the bench's connections.
func (b *bench) httpLoad(name string, tr vegeta.Targeter, want func(uint16) bool) *httpLoad {
	return &httpLoad{Name: name, Targeter: tr, Connections: b.opts.Connections, Want: want}
}

// sliceOf adapts a slice that cannot fail to interleave.
func sliceOf(slice func(time.Duration)) func(time.Duration) error {
	return func(d time.Duration) error {
		slice(d)
		return nil
	}
}

// keep keeps a measurement, with the records present before it, and
// returns its 2xx answers.
func (b *bench) keep(m Measurement, recordsBefore int64) int64 {
	m.RecordsBefore = recordsBefore
	b.ms[m.Name] = m
	b.log.Info("Measured", "line", m.Name, "perSecond", int(m.PerSecond), "p50ms", m.P50ms, "p99ms", m.P99ms, "ok", m.OK, "requests", m.Requests)
	return count2xx(m)
}
