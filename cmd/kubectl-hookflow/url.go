package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// apiTimeout bounds the API server calls of a command.
const apiTimeout = 30 * time.Second

const urlSynopsis = `Usage: kubectl hookflow url WORKFLOW [-n NAMESPACE] [flags]

Print the webhook URL of the Workflow (its status.webhookURL). Fails when the
Workflow has none yet, with the reason of its Ready condition. A URL is printed
even when the Workflow is not Ready, with a warning: it answers 404 until the
Workflow is Ready.
`

func runURL(args []string, stdout, stderr io.Writer) int {
	c := newCLI("url", urlSynopsis, stdout, stderr)
	name, code := c.parse(args)
	if code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	k, err := c.kube.connect()
	if err != nil {
		return c.fail(err)
	}
	wf, err := k.workflow(ctx, name)
	if err != nil {
		return c.fail(err)
	}
	ready, why := readiness(wf)
	if wf.Status.WebhookURL == "" {
		return c.fail(fmt.Errorf("no webhook URL in Workflow %q yet: %s", name, why))
	}
	if !ready {
		fmt.Fprintf(stderr, "warning: Workflow %q is %s; its URL answers 404 until it is Ready\n", name, why)
	}
	fmt.Fprintln(stdout, wf.Status.WebhookURL)
	return exitOK
}

// readiness tells whether wf is served: its Ready condition is True at its
// current generation. If not, why says so, starting with "not Ready".
func readiness(wf *v1alpha1.Workflow) (ready bool, why string) {
	c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
	switch {
	case c == nil:
		return false, "not Ready: no Ready condition yet (is the hookflow controller running?)"
	case c.ObservedGeneration != wf.Generation:
		return false, fmt.Sprintf("not Ready: generation %d not reconciled yet (Ready=%s is of generation %d)", wf.Generation, c.Status, c.ObservedGeneration)
	case c.Status != metav1.ConditionTrue:
		return false, fmt.Sprintf("not Ready (%s): %s", c.Reason, c.Message)
	}
	return true, ""
}
