package pgstore

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/store"
)

// benchWriters is the number of concurrent writers of the benchmark.
const benchWriters = 32

// BenchmarkCreateRecord creates records from 32 goroutines into a durable
// cluster (PostgreSQL's default fsync and synchronous_commit, started once
// for the package) and reports records/s and transactions per record.
func BenchmarkCreateRecord(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := durable(ctx)
	if err != nil {
		b.Fatalf("start a durable cluster: %v", err)
	}
	benchPools := NewPools(PoolOptions{})
	defer benchPools.Close()
	conn := c.DSN(pglocal.Database)
	pool, err := benchPools.Get(conn)
	if err != nil {
		b.Fatalf("pool: %v", err)
	}
	table := &store.Table{Connection: conn, Name: newTableName(b), Fields: ordersFields}
	if err := Migrate(ctx, pool, table.Name, ordersFields); err != nil {
		b.Fatalf("Migrate: %v", err)
	}
	s := NewRecords(benchPools, Options{})
	defer s.Close()

	var seq atomic.Int64
	b.SetParallelism((benchWriters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			if _, err := s.CreateRecord(ctx, order(table, fmt.Sprintf("B-%d", n), fmt.Sprintf("run-%d", n))); err != nil {
				b.Errorf("CreateRecord: %v", err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	stats := s.CommitStats()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
	if stats.Records > 0 {
		b.ReportMetric(float64(stats.Batches)/float64(stats.Records), "tx/record")
	}
}
