package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// pgbenchSummary is what pgbench prints at the end of a run.
type pgbenchSummary struct {
	// Processed is the number of transactions committed.
	Processed int64
	// Failed is the number of transactions that failed.
	Failed int64
	// TPS is pgbench's rate, without the initial connection time.
	TPS float64
}

var (
	processedLine = regexp.MustCompile(`(?m)^number of transactions actually processed: (\d+)`)
	failedLine    = regexp.MustCompile(`(?m)^number of failed transactions: (\d+)`)
	tpsLine       = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
)

// parsePgbenchSummary reads the summary that pgbench prints on stdout.
func parsePgbenchSummary(out string) (pgbenchSummary, error) {
	var s pgbenchSummary
	m := processedLine.FindStringSubmatch(out)
	if m == nil {
		return s, errors.New("pgbench printed no number of transactions processed")
	}
	s.Processed, _ = strconv.ParseInt(m[1], 10, 64)
	if m := failedLine.FindStringSubmatch(out); m != nil {
		s.Failed, _ = strconv.ParseInt(m[1], 10, 64)
	}
	m = tpsLine.FindStringSubmatch(out)
	if m == nil {
		return s, errors.New("pgbench printed no tps")
	}
	tps, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return s, fmt.Errorf("parse pgbench tps %q: %w", m[1], err)
	}
	s.TPS = tps
	return s, nil
}

// readPgbenchLog reads a per-transaction log of pgbench (-l), whose lines
// are "client_id transaction_no time script_no time_epoch time_us": time
// is the latency in microseconds, or "failed" or "skipped" for a
// transaction that did not commit, which are counted apart.
func readPgbenchLog(r io.Reader) (ls latencies, failed int64, err error) {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 {
			return nil, 0, fmt.Errorf("pgbench log line %d: %d fields, want at least 6", n, len(fields))
		}
		us, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			failed++
			continue
		}
		ls = append(ls, time.Duration(us)*time.Microsecond)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("read pgbench log: %w", err)
	}
	return ls, failed, nil
}
