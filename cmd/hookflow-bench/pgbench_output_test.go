package main

import (
	"strings"
	"testing"
	"time"
)

// pgbench 15's summary of a run with -c 32 -j 2 -T 7.
const pgbenchOutput = `pgbench (15.10 (Debian 15.10-0+deb12u1))
transaction type: /tmp/x/insert.sql
scaling factor: 1
query mode: prepared
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 7 s
number of transactions actually processed: 41234
number of failed transactions: 3 (0.007%)
latency average = 5.431 ms
initial connection time = 41.236 ms
tps = 5892.118203 (without initial connection time)
`

func TestParsePgbenchSummaryReadsProcessedFailedAndTPS(t *testing.T) {
	s, err := parsePgbenchSummary(pgbenchOutput)
	if err != nil {
		t.Fatal(err)
	}
	if s.Processed != 41234 || s.Failed != 3 || s.TPS != 5892.118203 {
		t.Errorf("got %+v, want processed 41234, failed 3, tps 5892.118203", s)
	}
}

func TestParsePgbenchSummaryFailsWithoutTheFigures(t *testing.T) {
	for name, out := range map[string]string{
		"empty":     "",
		"no tps":    strings.Replace(pgbenchOutput, "tps =", "tpx =", 1),
		"no count":  strings.Replace(pgbenchOutput, "actually processed", "processed", 1),
		"other tps": strings.Replace(pgbenchOutput, "(without initial connection time)", "(including connections establishing)", 1),
	} {
		if _, err := parsePgbenchSummary(out); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestReadPgbenchLogTakesTheThirdFieldAsMicrosecondsAndCountsFailures(t *testing.T) {
	log := "0 0 1500 0 1764662400 12345\n" +
		"1 0 250 0 1764662400 12400\n" +
		"1 1 failed 0 1764662400 12500\n" +
		"0 1 skipped 0 1764662400 12600\n"
	ls, failed, err := readPgbenchLog(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	want := latencies{1500 * time.Microsecond, 250 * time.Microsecond}
	if len(ls) != len(want) || ls[0] != want[0] || ls[1] != want[1] {
		t.Errorf("latencies %v, want %v", ls, want)
	}
	if failed != 2 {
		t.Errorf("failed %d, want 2", failed)
	}
}

func TestReadPgbenchLogRefusesAShortLine(t *testing.T) {
	if _, _, err := readPgbenchLog(strings.NewReader("0 0 1500\n")); err == nil {
		t.Error("no error for a line of 3 fields")
	}
}

func TestPercentileIsTheNearestRank(t *testing.T) {
	var ls latencies
	for i := 1; i <= 200; i++ {
		ls = append(ls, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]float64{0.50: 100, 0.99: 198, 1: 200, 0.001: 1} {
		if got := ls.percentileMs(q); got != want {
			t.Errorf("percentile %.3f = %v ms, want %v", q, got, want)
		}
	}
	if got := (latencies{}).percentileMs(0.99); got != 0 {
		t.Errorf("percentile of nothing = %v, want 0", got)
	}
}

func TestMergeSortsAllParts(t *testing.T) {
	got := merge([]latencies{{3, 1}, nil, {2}})
	if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("merge = %v, want [1 2 3]", got)
	}
}
