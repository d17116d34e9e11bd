package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/crstore"
)

// createLoop creates WorksheetRecords from Workers goroutines, each
// creating one after the other, in one or more slices; it stops when Limit
// creates were made (when Limit > 0). It creates them with crstore.Records,
// the CustomResource store's own code: one Create through the client per
// record, the same objects as the server's.
type createLoop struct {
	Client  client.Client
	Workers int
	Limit   int64
	// Record builds the n-th record (n from 1, across slices).
	Record func(n uint64) (store.Record, error)

	next, created, attempts atomic.Int64
	elapsed                 time.Duration
	latencies               latencies // of the successful creates
	errs                    distinctErrors
}

// slice creates records for d (no create starts after it, none is cut
// short) or until the limit; ctx only stops new creates.
func (l *createLoop) slice(ctx context.Context, d time.Duration) {
	var wg sync.WaitGroup
	parts := make([]latencies, l.Workers)
	records := &crstore.Records{Client: l.Client}
	writeCtx := context.WithoutCancel(ctx)
	start := time.Now()
	deadline := start.Add(d)
	for w := range l.Workers {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				n := l.next.Add(1)
				if l.Limit > 0 && n > l.Limit {
					return
				}
				r, err := l.Record(uint64(n))
				if err != nil {
					l.errs.add(err.Error())
					return
				}
				l.attempts.Add(1)
				began := time.Now()
				if _, err := records.CreateRecord(writeCtx, r); err != nil {
					l.errs.add(err.Error())
					continue
				}
				parts[w] = append(parts[w], time.Since(began))
				l.created.Add(1)
			}
		})
	}
	wg.Wait()
	l.elapsed += time.Since(start)
	for _, p := range parts {
		l.latencies = append(l.latencies, p...)
	}
}

// measurement is the client-go line.
func (l *createLoop) measurement() Measurement {
	ls := merge([]latencies{l.latencies})
	m := Measurement{
		Name:     lineClientGo,
		Requests: l.attempts.Load(),
		OK:       l.created.Load(),
		Errors:   l.errs.list(),
		Seconds:  l.elapsed.Seconds(),
		P50ms:    ls.percentileMs(0.50),
		P99ms:    ls.percentileMs(0.99),
		How: fmt.Sprintf("%d goroutines, each creating WorksheetRecords one after the other with crstore.Records (the server's store code: one Create each) on a controller-runtime client (client-go REST, QPS %d, burst %d, as the server's); req/s is records created per second; p50/p99 exact over the %d successful creates",
			l.Workers, clientQPS, clientBurst, len(ls)),
	}
	if m.Seconds > 0 {
		m.PerSecond = float64(m.OK) / m.Seconds
	}
	return m
}

// maxErrors bounds the distinct error messages kept per line.
const maxErrors = 5

// distinctErrors keeps the first distinct error messages, with their
// counts. It is safe for concurrent use.
type distinctErrors struct {
	mu   sync.Mutex
	seen map[string]int
	keys []string
}

func (d *distinctErrors) add(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == nil {
		d.seen = map[string]int{}
	}
	if _, ok := d.seen[msg]; !ok {
		d.keys = append(d.keys, msg)
	}
	d.seen[msg]++
}

func (d *distinctErrors) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for i, k := range d.keys {
		if i == maxErrors {
			out = append(out, fmt.Sprintf("and %d more distinct errors", len(d.keys)-maxErrors))
			break
		}
		out = append(out, fmt.Sprintf("%s (×%d)", k, d.seen[k]))
	}
	return out
}
