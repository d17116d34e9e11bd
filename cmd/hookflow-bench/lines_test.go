package main

import (
	"bytes"
	"strings"
	"testing"
)

func measurements(perSecond map[string]float64, p99 float64) map[string]Measurement {
	ms := map[string]Measurement{}
	for name, v := range perSecond {
		ms[name] = Measurement{Name: name, PerSecond: v, P99ms: p99}
	}
	return ms
}

func lineNamed(t *testing.T, lines []Line, name string) Line {
	t.Helper()
	for _, l := range lines {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no line %q", name)
	return Line{}
}

func TestBuildLinesComputesRatiosToGinAndToTheStoreCeiling(t *testing.T) {
	ms := measurements(map[string]float64{
		lineCeiling: 20000, lineReject: 16000, lineCRAccept: 900, lineClientGo: 1000,
		linePGAccept: 6000, linePgbench: 10000, lineCRAccept50: 850, linePGAccept50: 5000,
	}, 10)
	lines, missing := buildLines(ms)
	if len(missing) != 0 {
		t.Fatalf("missing %v", missing)
	}
	if len(lines) != len(lineOrder) {
		t.Fatalf("%d lines, want %d", len(lines), len(lineOrder))
	}
	for i, l := range lines {
		if l.Name != lineOrder[i] {
			t.Errorf("line %d is %q, want %q", i, l.Name, lineOrder[i])
		}
	}
	cr := lineNamed(t, lines, lineCRAccept)
	if cr.VsGin != 0.045 || cr.VsCeiling != 0.9 || cr.Ceiling != lineClientGo {
		t.Errorf("CR accept: vsGin %v vsCeiling %v ceiling %q, want 0.045, 0.9, %q", cr.VsGin, cr.VsCeiling, cr.Ceiling, lineClientGo)
	}
	pg := lineNamed(t, lines, linePGAccept)
	if pg.VsCeiling != 0.6 || pg.Ceiling != linePgbench {
		t.Errorf("PG accept: vsCeiling %v ceiling %q, want 0.6, %q", pg.VsCeiling, pg.Ceiling, linePgbench)
	}
	for _, name := range []string{lineReject, lineCRAccept, linePGAccept, lineCRAccept50} {
		if l := lineNamed(t, lines, name); !l.Pass() {
			t.Errorf("%s fails: %+v", name, l.Targets)
		}
	}
}

func TestTargetsFailWhereTheFiguresFallShort(t *testing.T) {
	ms := measurements(map[string]float64{
		lineCeiling: 20000, lineReject: 15000, // 0.75 of gin
		lineCRAccept: 790, lineClientGo: 1000, // 0.79 of client-go
		linePGAccept: 4999, linePgbench: 10000, // under 5,000/s and 0.5 of pgbench
		lineCRAccept50: 700, // 0.886 of CR accept
		linePGAccept50: 4000,
	}, 50) // p99 not under 50 ms
	lines, _ := buildLines(ms)
	for _, name := range []string{lineReject, lineCRAccept, linePGAccept, lineCRAccept50, linePGAccept50} {
		if l := lineNamed(t, lines, name); l.Pass() {
			t.Errorf("%s passes: %+v", name, l.Targets)
		}
	}
	pg := lineNamed(t, lines, linePGAccept)
	for _, target := range pg.Targets {
		if target.Pass {
			t.Errorf("PG accept target %q passes with %v", target.What, target.Got)
		}
	}
	flat := lineNamed(t, lines, lineCRAccept50).Targets
	if last := flat[len(flat)-1]; last.Pass || last.Got != 700.0/790.0 {
		t.Errorf("CR accept at 50k against the fresh run: %+v, want got %v and a miss", last, 700.0/790.0)
	}
}

func TestALineWhoseCeilingWasNotMeasuredFails(t *testing.T) {
	lines, missing := buildLines(measurements(map[string]float64{lineCRAccept: 900}, 1))
	if len(lines) != 1 || lines[0].VsCeiling != 0 || lines[0].Pass() {
		t.Errorf("lines %+v, want one failing line with no ratio", lines)
	}
	if len(missing) != len(lineOrder)-1 {
		t.Errorf("missing %v", missing)
	}
	r := &Results{Lines: lines, Missing: missing}
	if r.Pass() {
		t.Error("results with missing lines pass")
	}
}

func TestResultsFailOnARecordMismatch(t *testing.T) {
	r := &Results{Checks: []RecordCheck{check("CR", "end", 10, 10), check("PG", "end", 10, 9)}}
	if r.ChecksOK() || r.Pass() {
		t.Error("a mismatch of 10 expected and 9 found passes")
	}
	if !check("CR", "end", 10, 10).OK {
		t.Error("10 found for 10 expected is not OK")
	}
}

func TestPrintTableShowsEachLineAndTheVerdicts(t *testing.T) {
	ms := measurements(map[string]float64{lineCeiling: 20000, lineReject: 15000}, 1)
	r := &Results{Checks: []RecordCheck{check("CustomResource (orders)", "at the end", 5, 4)}}
	r.Lines, r.Missing = buildLines(ms)
	var out bytes.Buffer
	if err := printTable(&out, r); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{lineCeiling, lineReject, "15000", "0.75", "MISSED", "not measured", "expected 5, found 4: MISMATCH", "FAIL"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
}
