package main

import (
	"fmt"
	"strconv"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// httpLoad measures an HTTP line with vegeta, in one or more slices: each
// a closed loop of Connections workers, each worker on its own kept-alive
// connection, sending as fast as answers come (vegeta's unlimited rate
// with MaxWorkers).
type httpLoad struct {
	Name        string
	Targeter    vegeta.Targeter
	Connections int
	// Want tells whether a status is the answer the line expects.
	Want func(code uint16) bool

	metrics vegeta.Metrics // every result of every slice
	ok      int64
	elapsed time.Duration
	errs    distinctErrors
}

// is2xx is the Want of the accept paths and the ceiling.
func is2xx(code uint16) bool { return code >= 200 && code < 300 }

// is400 is the Want of the reject path.
func is400(code uint16) bool { return code == 400 }

// slice attacks for d and adds the results.
func (l *httpLoad) slice(d time.Duration) {
	n := uint64(l.Connections)
	atk := vegeta.NewAttacker(
		vegeta.Workers(n), vegeta.MaxWorkers(n),
		vegeta.Connections(l.Connections), vegeta.MaxConnections(l.Connections),
		vegeta.KeepAlive(true), vegeta.HTTP2(false),
		vegeta.Timeout(30*time.Second), vegeta.MaxBody(4096),
	)
	start := time.Now()
	for res := range atk.Attack(l.Targeter, vegeta.ConstantPacer{}, d, l.Name) {
		l.metrics.Add(res)
		switch {
		case l.Want(res.Code):
			l.ok++
		case res.Error != "":
			l.errs.add(res.Error)
		default:
			l.errs.add("status " + strconv.Itoa(int(res.Code)))
		}
	}
	// Until the last answer: vegeta's duration plus its wait.
	l.elapsed += time.Since(start)
}

// measurement is the line: answers with a wanted status per second of
// the slices, and vegeta's p50 and p99 over every request.
func (l *httpLoad) measurement() Measurement {
	l.metrics.Close()
	m := Measurement{
		Name:     l.Name,
		Requests: int64(l.metrics.Requests),
		OK:       l.ok,
		Statuses: l.metrics.StatusCodes,
		Errors:   l.errs.list(),
		Seconds:  l.elapsed.Seconds(),
		P50ms:    ms(l.metrics.Latencies.P50),
		P99ms:    ms(l.metrics.Latencies.P99),
		How: fmt.Sprintf("vegeta v12.13.0: %d workers on %d kept-alive HTTP/1.1 connections, unlimited rate; req/s counts the expected answers over the time until the last answer; p50/p99 are vegeta's over every request",
			l.Connections, l.Connections),
	}
	if m.Seconds > 0 {
		m.PerSecond = float64(l.ok) / m.Seconds
	}
	return m
}

// count2xx is the number of 2xx answers of a measurement.
func count2xx(m Measurement) int64 {
	var n int64
	for code, c := range m.Statuses {
		if v, err := strconv.Atoi(code); err == nil && v >= 200 && v < 300 {
			n += int64(c)
		}
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
