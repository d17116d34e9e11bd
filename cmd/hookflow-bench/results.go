package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// The lines of the table, in the order they are printed.
const (
	lineCeiling    = "gin ceiling"
	lineReject     = "reject path (400)"
	lineCRAccept   = "CR accept"
	linePGAccept   = "PG accept"
	lineClientGo   = "client-go create loop"
	linePgbench    = "pgbench insert loop"
	lineCRAccept50 = "CR accept, 50k records"
	linePGAccept50 = "PG accept, 50k records"
)

var lineOrder = []string{lineCeiling, lineReject, lineCRAccept, linePGAccept, lineClientGo, linePgbench, lineCRAccept50, linePGAccept50}

// ceilingOf is the line each line is compared with: the gin ceiling for the
// HTTP paths that write nothing, the store's own ceiling for the accept
// paths.
var ceilingOf = map[string]string{
	lineCeiling:    lineCeiling,
	lineReject:     lineCeiling,
	lineCRAccept:   lineClientGo,
	lineCRAccept50: lineClientGo,
	linePGAccept:   linePgbench,
	linePGAccept50: linePgbench,
	lineClientGo:   lineClientGo,
	linePgbench:    linePgbench,
}

// Measurement is what one load run measured.
type Measurement struct {
	Name string `json:"name"`
	// Requests is the number of requests (or creates, or transactions) made.
	Requests int64 `json:"requests"`
	// OK is the number answered as the line expects (2xx for the accept
	// paths and the ceiling, 400 for the reject path, no error for the
	// store loops).
	OK int64 `json:"ok"`
	// Statuses counts the HTTP answers by status code ("0": no answer).
	Statuses map[string]int `json:"statuses,omitempty"`
	// Errors are distinct error messages, at most a few.
	Errors []string `json:"errors,omitempty"`
	// Seconds is the length of the run.
	Seconds float64 `json:"seconds"`
	// PerSecond is OK / Seconds.
	PerSecond float64 `json:"perSecond"`
	P50ms     float64 `json:"p50ms"`
	P99ms     float64 `json:"p99ms"`
	// RecordsBefore is the number of records in the Worksheet written when
	// the run began (accept paths and store loops).
	RecordsBefore int64 `json:"recordsBefore"`
	// How says how the figures were measured.
	How string `json:"how"`
}

// Target is one goal of a line.
type Target struct {
	// What the goal is, e.g. "≥ 0.80 × client-go create loop".
	What string  `json:"what"`
	Got  float64 `json:"got"`
	Pass bool    `json:"pass"`
}

// Line is a row of the table: a measurement, its ratios and its targets.
type Line struct {
	Measurement
	// VsGin is PerSecond over the gin ceiling's.
	VsGin float64 `json:"vsGin"`
	// Ceiling is the line this one is compared with, and VsCeiling the
	// ratio of their PerSecond.
	Ceiling   string   `json:"ceiling"`
	VsCeiling float64  `json:"vsCeiling"`
	Targets   []Target `json:"targets,omitempty"`
}

// Pass tells whether every target of the line is met.
func (l Line) Pass() bool {
	for _, t := range l.Targets {
		if !t.Pass {
			return false
		}
	}
	return true
}

// RecordCheck compares the records of a store with the 2xx answers that
// promised them.
type RecordCheck struct {
	Store string `json:"store"`
	When  string `json:"when"`
	// Expected is the 2xx answers plus the records seeded before.
	Expected int64 `json:"expected"`
	Found    int64 `json:"found"`
	OK       bool  `json:"ok"`
}

// Seeding tells how many records were put in before the second accept
// runs.
type Seeding struct {
	Store string `json:"store"`
	// Wanted is the number of records the Worksheet should hold.
	Wanted int64 `json:"wanted"`
	// Present is the number it holds once seeded (counted).
	Present int64 `json:"present"`
	// Seeded is the number added by the seeding.
	Seeded  int64   `json:"seeded"`
	Seconds float64 `json:"seconds"`
	// Note says why Present falls short of Wanted, if it does.
	Note string `json:"note,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	Cores     int    `json:"cores"`
	CPU       string `json:"cpu,omitempty"`
	GoVersion string `json:"goVersion"`
	OS        string `json:"os"`
	Date      string `json:"date"`
	// LoadAverage is /proc/loadavg when the bench started and when it
	// ended: other processes on the machine take from the same cores.
	LoadAverage []string `json:"loadAverage,omitempty"`
	// Postgres holds the durability settings of the PostgreSQL measured.
	Postgres map[string]string `json:"postgres,omitempty"`
}

// Results is bench/results.json.
type Results struct {
	Machine     Machine       `json:"machine"`
	Connections int           `json:"connections"`
	Lines       []Line        `json:"lines"`
	Checks      []RecordCheck `json:"recordChecks"`
	Seeding     []Seeding     `json:"seeding,omitempty"`
	Missing     []string      `json:"missing,omitempty"`
	Passed      bool          `json:"passed"`
	Seconds     float64       `json:"seconds"`
}

// Pass tells whether every line met its targets and every record check
// found what was promised.
func (r *Results) Pass() bool {
	for _, l := range r.Lines {
		if !l.Pass() {
			return false
		}
	}
	return r.ChecksOK() && len(r.Missing) == 0
}

// ChecksOK tells whether every record check matched.
func (r *Results) ChecksOK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Write writes the results as indented JSON to path.
func (r *Results) Write(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
