package main

import (
	"strings"
	"testing"
)

const procStatus = `Name:	hookflow
Umask:	0022
State:	S (sleeping)
VmPeak:	 2089016 kB
VmSize:	 2089016 kB
VmHWM:	  142336 kB
VmRSS:	  120832 kB
RssAnon:	   80000 kB
Threads:	17
`

func TestParseProcStatus(t *testing.T) {
	m, err := parseProcStatus(procStatus)
	if err != nil {
		t.Fatal(err)
	}
	if m.RSSKiB != 120832 || m.HWMKiB != 142336 {
		t.Errorf("got %+v, want VmRSS 120832 and VmHWM 142336", m)
	}
	if _, err := parseProcStatus(strings.Replace(procStatus, "VmRSS", "VmXXX", 1)); err == nil {
		t.Error("no error without VmRSS")
	}
	if _, err := parseProcStatus(strings.Replace(procStatus, "120832 kB", "120832 MB", 1)); err == nil {
		t.Error("no error for a unit other than kB")
	}
}

func TestSummarizeRSS(t *testing.T) {
	got := summarizeRSS([]int64{50, 10, 40, 20, 30})
	if want := (rssSummary{Samples: 5, MedianKiB: 30, MinKiB: 10, MaxKiB: 50}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := summarizeRSS(nil); got != (rssSummary{}) {
		t.Errorf("no samples: %+v", got)
	}
}
