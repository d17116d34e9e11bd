package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var workflowRunsResource = v1alpha1.GroupVersion.WithResource("workflowruns")

// maxErrorCell is how many characters of a run's error the table shows.
const maxErrorCell = 60

const runsSynopsis = `Usage: kubectl hookflow runs WORKFLOW [-n NAMESPACE] [--limit 20] [-o json]

Print the recent runs of a Workflow kept as WorkflowRuns (by their label
` + v1alpha1.WorkflowLabel + `), newest first: NAME, PHASE, CODE (the HTTP status
answered), DURATION, ERROR (cut to 60 characters), RERUN OF (the run that a
rerun reran: kubectl hookflow rerun) and AGE.`

func runRuns(args []string, stdout, stderr io.Writer) int {
	c := newCLI("runs", runsSynopsis, stdout, stderr)
	limit := c.flags.Int("limit", 20, "print at most the newest N runs")
	output := c.flags.StringP("output", "o", "", "json: print a JSON array of {name, phase, statusCode, duration, error, receivedAt, rerunOf, rerunBy}")
	name, code := c.parse(args)
	if code >= 0 {
		return code
	}
	if code := checkListFlags(c, *limit, *output); code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	k, err := c.kube.connect()
	if err != nil {
		return c.fail(err)
	}
	runs, err := listAll[v1alpha1.WorkflowRun](ctx, k, workflowRunsResource, "WorkflowRuns", v1alpha1.WorkflowLabel+"="+name)
	if err != nil {
		return c.fail(err)
	}
	slices.SortFunc(runs, func(a, b v1alpha1.WorkflowRun) int {
		return cmp.Or(receivedAt(&b).Compare(receivedAt(&a)), strings.Compare(a.Name, b.Name))
	})
	runs = runs[:min(len(runs), *limit)]
	if *output == "json" {
		return printJSON(c, runsJSON(runs))
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPHASE\tCODE\tDURATION\tERROR\tRERUN OF\tAGE")
	now := clock()
	for i := range runs {
		r := &runs[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Status.Phase, statusCode(r), runDuration(r),
			cut(oneLine(r.Status.Error), maxErrorCell), r.Status.RerunOf, age(now, receivedAt(r)))
	}
	if err := tw.Flush(); err != nil {
		return c.fail(fmt.Errorf("write: %w", err))
	}
	return exitOK
}

// receivedAt is when a run's request arrived: spec.receivedAt, else its
// creationTimestamp.
func receivedAt(r *v1alpha1.WorkflowRun) time.Time {
	if r.Spec.ReceivedAt != nil {
		return r.Spec.ReceivedAt.Time
	}
	return r.CreationTimestamp.Time
}

func statusCode(r *v1alpha1.WorkflowRun) string {
	if r.Status.Response == nil || r.Status.Response.StatusCode == 0 {
		return ""
	}
	return strconv.Itoa(int(r.Status.Response.StatusCode))
}

// runDuration is status.duration, else finishedAt - startedAt, formatted
// short (12ms, 1.2s, 2s, 2m5s); empty while unknown.
func runDuration(r *v1alpha1.WorkflowRun) string {
	var d time.Duration
	switch {
	case r.Status.Duration != "":
		parsed, err := time.ParseDuration(r.Status.Duration)
		if err != nil {
			return oneLine(r.Status.Duration)
		}
		d = parsed
	case r.Status.StartedAt != nil && r.Status.FinishedAt != nil:
		d = r.Status.FinishedAt.Sub(r.Status.StartedAt.Time)
	default:
		return ""
	}
	return shortDuration(d)
}

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return strings.TrimSuffix(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".0") + "s"
	}
	return d.Round(time.Second).String()
}

// runJSON is one run of `runs -o json`.
type runJSON struct {
	Name       string            `json:"name"`
	Phase      v1alpha1.RunPhase `json:"phase,omitempty"`
	StatusCode int32             `json:"statusCode,omitempty"`
	Duration   string            `json:"duration,omitempty"`
	Error      string            `json:"error,omitempty"`
	ReceivedAt *metav1.Time      `json:"receivedAt,omitempty"`
	// RerunOf names the run this one reran; RerunBy the run that reran it.
	RerunOf string `json:"rerunOf,omitempty"`
	RerunBy string `json:"rerunBy,omitempty"`
}

func runsJSON(runs []v1alpha1.WorkflowRun) []runJSON {
	out := make([]runJSON, len(runs))
	for i := range runs {
		r := &runs[i]
		out[i] = runJSON{Name: r.Name, Phase: r.Status.Phase, Duration: runDuration(r), Error: r.Status.Error, ReceivedAt: r.Spec.ReceivedAt,
			RerunOf: r.Status.RerunOf, RerunBy: r.Status.RerunBy}
		if r.Status.Response != nil {
			out[i].StatusCode = r.Status.Response.StatusCode
		}
	}
	return out
}
