package main

import (
	"math"
	"slices"
	"time"
)

// latencies collects the latencies of a run, for exact percentiles.
type latencies []time.Duration

// percentileMs is the q-th quantile (0 < q ≤ 1) of ls in milliseconds, by
// the nearest-rank method: the smallest latency that at least q of them do
// not exceed. ls must be sorted; 0 when empty.
func (ls latencies) percentileMs(q float64) float64 {
	if len(ls) == 0 {
		return 0
	}
	rank := int(math.Ceil(q * float64(len(ls))))
	rank = min(max(rank, 1), len(ls))
	return float64(ls[rank-1]) / float64(time.Millisecond)
}

// merge returns the latencies of all parts, sorted.
func merge(parts []latencies) latencies {
	var all latencies
	for _, p := range parts {
		all = append(all, p...)
	}
	slices.Sort(all)
	return all
}
