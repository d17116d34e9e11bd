package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/runhistory"
)

const rerunSynopsis = `Usage: kubectl hookflow rerun RUN [-n NAMESPACE] [--wait] [--timeout 2m]

Run a failed WorkflowRun again, with the params and the request it kept, as
a new run whose status.rerunOf names RUN. The plugin sets on RUN the label
` + v1alpha1.RerunLabel + `=` + v1alpha1.RerunRequested + ` and the annotation ` + v1alpha1.RerunRequestedAtAnnotation + `;
a webhook server that serves its Workflow picks it up within its recovery
interval (10s by default) and runs the steps of the Workflow as it is now,
as the run RUN-rerun-1. A run is rerun once: asking again runs nothing new.
Refused for a run that is not Failed, that kept no request, or that has a
rerun already (rerun that one if it failed). With --wait, wait for the
rerun and print its name, phase, code and error; exit 1 if it failed.
Runs kept in PostgreSQL (a WebhookServer's runStore Postgres) are not
WorkflowRuns and cannot be rerun.`

// rerunPoll is the interval at which --wait reads the runs.
var rerunPoll = time.Second

func runRerun(args []string, stdout, stderr io.Writer) int {
	c := newCLI("rerun", rerunSynopsis, stdout, stderr)
	wait := c.flags.Bool("wait", false, "wait for the rerun to finish and print its outcome")
	timeout := c.flags.Duration("timeout", 2*time.Minute, "how long to wait in all, with --wait")
	name, code := c.parseArgs(args, "RUN name", 1)
	if code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), max(*timeout, apiTimeout))
	defer cancel()
	k, err := c.kube.connect()
	if err != nil {
		return c.fail(err)
	}
	run, err := k.workflowRun(ctx, name)
	if err != nil {
		return c.fail(err)
	}
	switch {
	case run.Labels[v1alpha1.RerunLabel] == v1alpha1.RerunRequested:
		fmt.Fprintf(stdout, "A rerun of %s was already requested (at %s): nothing new is asked for.\n",
			name, run.Annotations[v1alpha1.RerunRequestedAtAnnotation])
	default:
		if err := k.checkRerun(ctx, run); err != nil {
			return c.fail(err)
		}
		if err := k.requestRerun(ctx, run); err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(stdout, "Rerun of %s requested: a webhook server serving Workflow %q runs it as %s.\n",
			name, run.Spec.Workflow, runhistory.RerunName(run))
	}
	if !*wait {
		return exitOK
	}
	rerun, err := k.waitRerun(ctx, name, *timeout)
	if err != nil {
		return c.fail(err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPHASE\tCODE\tERROR")
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", rerun.Name, rerun.Status.Phase, statusCode(rerun), oneLine(rerun.Status.Error))
	if err := tw.Flush(); err != nil {
		return c.fail(fmt.Errorf("write: %w", err))
	}
	if rerun.Status.Phase != v1alpha1.RunSucceeded {
		return exitFailure
	}
	return exitOK
}

// checkRerun tells why run cannot be rerun, naming its rerun (and that
// rerun's phase) when it has one.
func (k *kube) checkRerun(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	err := runhistory.CheckRerun(run)
	var already *runhistory.AlreadyRerunError
	if !errors.As(err, &already) {
		return err
	}
	rerun, gerr := k.workflowRun(ctx, already.By)
	switch {
	case gerr != nil:
		return fmt.Errorf("%w; it is gone (%v)", err, gerr)
	case rerun.Status.Phase == v1alpha1.RunFailed:
		return fmt.Errorf("%w, which is Failed: to run it again, rerun that one: kubectl hookflow rerun %s -n %s", err, rerun.Name, k.namespace)
	case rerun.Status.Phase == v1alpha1.RunSucceeded:
		return fmt.Errorf("%w, which is Succeeded: nothing to rerun", err)
	}
	phase := string(rerun.Status.Phase)
	if phase == "" {
		phase = "not finished"
	}
	return fmt.Errorf("%w, which is %s: wait for it, and rerun it if it fails", err, phase)
}

// requestRerun sets the rerun label and annotation of run with a merge
// patch at its resourceVersion: refused if the run changed since it was
// read (a server may have rerun it meanwhile).
func (k *kube) requestRerun(ctx context.Context, run *v1alpha1.WorkflowRun) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"resourceVersion": run.ResourceVersion,
		"labels":          map[string]string{v1alpha1.RerunLabel: v1alpha1.RerunRequested},
		"annotations":     map[string]string{v1alpha1.RerunRequestedAtAnnotation: time.Now().UTC().Format(time.RFC3339)},
	}})
	if err != nil {
		return err
	}
	_, err = k.client.Resource(workflowRunsResource).Namespace(k.namespace).Patch(ctx, run.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	switch {
	case apierrors.IsConflict(err):
		return fmt.Errorf("WorkflowRun %q changed while its rerun was asked for; run the command again", run.Name)
	case err != nil:
		return fmt.Errorf("ask for the rerun of WorkflowRun %q in namespace %q: %w", run.Name, k.namespace, err)
	}
	return nil
}

// waitRerun waits, up to timeout, for the rerun of the run name to finish,
// and returns it.
func (k *kube) waitRerun(ctx context.Context, name string, timeout time.Duration) (*v1alpha1.WorkflowRun, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		run, err := k.workflowRun(ctx, name)
		if err != nil {
			return nil, err
		}
		if by := run.Status.RerunBy; by != "" {
			rerun, err := k.workflowRun(ctx, by)
			if err != nil {
				return nil, err
			}
			if p := rerun.Status.Phase; p == v1alpha1.RunSucceeded || p == v1alpha1.RunFailed {
				return rerun, nil
			}
		} else if run.Labels[v1alpha1.RerunLabel] != v1alpha1.RerunRequested {
			return nil, fmt.Errorf("the rerun of %s was refused by the webhook server (see its log)", name)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("the rerun of %s did not finish within %s: is a webhook server serving Workflow %q running?", name, timeout, run.Spec.Workflow)
		case <-time.After(rerunPoll):
		}
	}
}

// workflowRun reads the WorkflowRun name; a missing one may be a row of a
// Postgres run store, which the error says.
func (k *kube) workflowRun(ctx context.Context, name string) (*v1alpha1.WorkflowRun, error) {
	run := &v1alpha1.WorkflowRun{}
	err := k.get(ctx, workflowRunsResource, "WorkflowRun", name, run)
	var missing *notFoundError
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("%w (the runs of a WebhookServer whose runStore is Postgres are rows of its table, and cannot be rerun)", err)
	}
	if err != nil {
		return nil, err
	}
	return run, nil
}
