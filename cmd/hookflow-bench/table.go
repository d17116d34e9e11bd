package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// printTable prints the lines, then the record checks and the seeding.
func printTable(w io.Writer, r *Results) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tRECORDS BEFORE\tREQ/S\tP50 ms\tP99 ms\t× GIN\t× CEILING\tTARGETS\tRESULT")
	for _, l := range r.Lines {
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\n",
			l.Name, recordsText(l), l.PerSecond, l.P50ms, l.P99ms, l.VsGin, vsCeiling(l), targetsText(l.Targets), passText(l.Pass()))
	}
	for _, name := range r.Missing {
		fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\tnot measured\tFAIL\n", name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, s := range r.Seeding {
		fmt.Fprintf(w, "seeded %s: %d records present (wanted %d), %d added in %.1f s%s\n",
			s.Store, s.Present, s.Wanted, s.Seeded, s.Seconds, noteText(s.Note))
	}
	for _, c := range r.Checks {
		verdict := "OK"
		if !c.OK {
			verdict = "MISMATCH"
		}
		fmt.Fprintf(w, "records check %s %s: expected %d, found %d: %s\n", c.Store, c.When, c.Expected, c.Found, verdict)
	}
	fmt.Fprintf(w, "load average at start, end: %s\n", strings.Join(r.Machine.LoadAverage, ", "))
	fmt.Fprintf(w, "bench finished in %.0f s: %s\n", r.Seconds, passText(r.Pass()))
	return nil
}

// recordsText is the records present before the run, "-" for the lines
// that write none.
func recordsText(l Line) string {
	if l.Name == lineCeiling || l.Name == lineReject {
		return "-"
	}
	return strconv.FormatInt(l.RecordsBefore, 10)
}

// vsCeiling is the ratio to the line's own ceiling, "-" for a ceiling.
func vsCeiling(l Line) string {
	if l.Ceiling == l.Name {
		return "-"
	}
	return fmt.Sprintf("%.2f", l.VsCeiling)
}

func targetsText(ts []Target) string {
	if len(ts) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(ts))
	for _, t := range ts {
		mark := "ok"
		if !t.Pass {
			mark = "MISSED"
		}
		parts = append(parts, fmt.Sprintf("%s (%.2f %s)", t.What, t.Got, mark))
	}
	return strings.Join(parts, "; ")
}

func passText(pass bool) string {
	if pass {
		return "PASS"
	}
	return "FAIL"
}

func noteText(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}
