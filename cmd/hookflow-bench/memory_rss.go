package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// procMemory is what /proc/<pid>/status says of a process's memory, in KiB.
type procMemory struct {
	RSSKiB int64 // VmRSS: resident now
	HWMKiB int64 // VmHWM: the largest resident set since the start
}

// parseProcStatus reads VmRSS and VmHWM from the text of /proc/<pid>/status
// (lines like "VmRSS:\t  123456 kB").
func parseProcStatus(text string) (procMemory, error) {
	var m procMemory
	found := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			return m, fmt.Errorf("%s: unexpected value %q", key, value)
		}
		kib, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return m, fmt.Errorf("%s: %w", key, err)
		}
		if key == "VmRSS" {
			m.RSSKiB = kib
		} else {
			m.HWMKiB = kib
		}
		found++
	}
	if found != 2 {
		return m, fmt.Errorf("VmRSS or VmHWM missing from the process status")
	}
	return m, nil
}

// rssSummary summarizes samples of VmRSS.
type rssSummary struct {
	Samples                   int
	MedianKiB, MinKiB, MaxKiB int64
}

func summarizeRSS(samples []int64) rssSummary {
	if len(samples) == 0 {
		return rssSummary{}
	}
	sorted := slices.Sorted(slices.Values(samples))
	return rssSummary{Samples: len(sorted), MedianKiB: sorted[len(sorted)/2], MinKiB: sorted[0], MaxKiB: sorted[len(sorted)-1]}
}

// sampleRSS reads the status file every period for d, and returns the
// summary of the VmRSS samples and the last VmHWM.
func sampleRSS(ctx context.Context, statusFile string, d, period time.Duration) (rssSummary, int64, error) {
	var (
		samples []int64
		hwm     int64
	)
	tick := time.NewTicker(period)
	defer tick.Stop()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		data, err := os.ReadFile(statusFile)
		if err != nil {
			return summarizeRSS(samples), hwm, fmt.Errorf("read the manager's status (has it exited?): %w", err)
		}
		m, err := parseProcStatus(string(data))
		if err != nil {
			return summarizeRSS(samples), hwm, fmt.Errorf("%s: %w", statusFile, err)
		}
		samples, hwm = append(samples, m.RSSKiB), m.HWMKiB
		select {
		case <-ctx.Done():
			return summarizeRSS(samples), hwm, ctx.Err()
		case <-tick.C:
		}
	}
	return summarizeRSS(samples), hwm, nil
}
