package main

import "fmt"

// The goals of the issue, for a 2-core machine.
const (
	minRejectVsGin      = 0.80
	minCRVsClientGo     = 0.80
	minFlatVsFresh      = 0.90 // "within 10 %" of the run without records
	minPGPerSecond      = 5000
	minPGVsPgbench      = 0.50
	maxPGP99ms          = 50
	targetSeededRecords = 50000
)

// freshOf is, for a line measured with 50,000 records present, the line
// measured without them.
var freshOf = map[string]string{
	lineCRAccept50: lineCRAccept,
	linePGAccept50: linePGAccept,
}

// buildLines turns the measurements into the table's lines, in lineOrder,
// with their ratios and targets. It returns the names of the lines that
// were not measured.
func buildLines(ms map[string]Measurement) (lines []Line, missing []string) {
	for _, name := range lineOrder {
		m, ok := ms[name]
		if !ok {
			missing = append(missing, name)
			continue
		}
		l := Line{Measurement: m, Ceiling: ceilingOf[name]}
		l.VsGin = ratio(m.PerSecond, ms, lineCeiling)
		l.VsCeiling = ratio(m.PerSecond, ms, l.Ceiling)
		l.Targets = targets(l, ms)
		lines = append(lines, l)
	}
	return lines, missing
}

// ratio is perSecond over the PerSecond of line name; 0 when that line was
// not measured or measured nothing.
func ratio(perSecond float64, ms map[string]Measurement, name string) float64 {
	c, ok := ms[name]
	if !ok || c.PerSecond <= 0 {
		return 0
	}
	return perSecond / c.PerSecond
}

// targets are the goals of line l.
func targets(l Line, ms map[string]Measurement) []Target {
	var ts []Target
	atLeast := func(what string, got, min float64) {
		ts = append(ts, Target{What: what, Got: got, Pass: got >= min})
	}
	switch l.Name {
	case lineReject:
		atLeast(fmt.Sprintf("≥ %.2f × %s", minRejectVsGin, lineCeiling), l.VsGin, minRejectVsGin)
	case lineCRAccept, lineCRAccept50:
		atLeast(fmt.Sprintf("≥ %.2f × %s", minCRVsClientGo, lineClientGo), l.VsCeiling, minCRVsClientGo)
	case linePGAccept, linePGAccept50:
		atLeast(fmt.Sprintf("≥ %d records/s", minPGPerSecond), l.PerSecond, minPGPerSecond)
		atLeast(fmt.Sprintf("≥ %.2f × %s", minPGVsPgbench, linePgbench), l.VsCeiling, minPGVsPgbench)
		ts = append(ts, Target{What: fmt.Sprintf("p99 < %d ms", maxPGP99ms), Got: l.P99ms, Pass: l.P99ms < maxPGP99ms})
	}
	if fresh, ok := freshOf[l.Name]; ok {
		atLeast(fmt.Sprintf("≥ %.2f × %s", minFlatVsFresh, fresh), ratio(l.PerSecond, ms, fresh), minFlatVsFresh)
	}
	return ts
}
