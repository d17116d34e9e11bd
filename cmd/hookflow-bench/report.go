package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

// report prints the table and writes the results.
func (b *bench) report() error {
	r := &b.results
	r.Lines, r.Missing = buildLines(b.ms)
	r.Connections = b.opts.Connections
	r.Machine = machine()
	r.Machine.LoadAverage = []string{b.loadAtStart, loadAverage()}
	if b.pool != nil {
		r.Machine.Postgres = postgresSettings(context.Background(), b.pool)
	}
	r.Seconds = time.Since(b.start).Seconds()
	r.Passed = r.Pass()
	if err := printTable(os.Stdout, r); err != nil {
		return err
	}
	if err := r.Write(b.opts.Out); err != nil {
		return err
	}
	fmt.Printf("results written to %s\n", b.opts.Out)
	if !r.ChecksOK() {
		return errRecordsMismatch
	}
	return nil
}
