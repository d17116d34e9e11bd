package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

const findSynopsis = `Usage: kubectl hookflow find ID|URL [flags]

Find the Workflow of a webhook id, or of a full webhook URL
(https://hooks.example.com/hooks/<id>), in all namespaces, by its label
` + v1alpha1.WebhookIDLabel + `. Prints one line per Workflow found:
namespace/name, Ready, URL, server. Exits 1 when none is found.
`

func runFind(args []string, stdout, stderr io.Writer) int {
	c := newCLI("find", findSynopsis, stdout, stderr)
	arg, code := c.parseArgs(args, "ID or URL", 1)
	if code >= 0 {
		return code
	}
	id, err := webhookID(arg)
	if err != nil {
		return c.usageError(err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	k, err := c.kube.connect()
	if err != nil {
		return c.fail(err)
	}
	wfs, err := k.workflowsByID(ctx, id)
	if err != nil {
		return c.fail(err)
	}
	if len(wfs) == 0 {
		return c.fail(fmt.Errorf("no Workflow has the webhook id %q in any namespace you can read", id))
	}
	for _, wf := range wfs {
		ready := "Ready=True"
		if ok, why := readiness(&wf); !ok {
			ready = "Ready=False (" + why + ")"
		}
		u := wf.Status.WebhookURL
		if u == "" {
			u = "<no URL>"
		}
		fmt.Fprintf(stdout, "%s/%s\t%s\t%s\tserver=%s\n", wf.Namespace, wf.Name, ready, u, wf.ServerName())
	}
	return exitOK
}

// webhookID returns the id of arg: the id itself, or the last segment of a
// webhook URL.
func webhookID(arg string) (string, error) {
	id := arg
	if strings.Contains(arg, "/") {
		u, err := url.Parse(arg)
		if err != nil {
			return "", fmt.Errorf("not a webhook URL: %w", err)
		}
		id = u.Path[strings.LastIndex(u.Path, "/")+1:]
	}
	if id == "" {
		return "", fmt.Errorf("no webhook id in %q", arg)
	}
	if errs := validation.IsValidLabelValue(id); len(errs) > 0 {
		return "", fmt.Errorf("%q is not a webhook id: %s", id, strings.Join(errs, "; "))
	}
	return id, nil
}

// workflowsByID lists the Workflows of all namespaces labelled with id.
func (k *kube) workflowsByID(ctx context.Context, id string) ([]v1alpha1.Workflow, error) {
	list, err := k.client.Resource(workflowsResource).List(ctx, metav1.ListOptions{LabelSelector: v1alpha1.WebhookIDLabel + "=" + id})
	switch {
	case apierrors.IsNotFound(err):
		return nil, fmt.Errorf("the API of Workflow (%s) is not served by this cluster: are the hookflow CRDs installed?", workflowsResource.GroupVersion())
	case apierrors.IsForbidden(err):
		return nil, fmt.Errorf("not allowed to list Workflows in all namespaces: %w", err)
	case err != nil:
		return nil, fmt.Errorf("list Workflows: %w", err)
	}
	out := make([]v1alpha1.Workflow, len(list.Items))
	for i := range list.Items {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(list.Items[i].Object, &out[i]); err != nil {
			return nil, fmt.Errorf("decode Workflow %q: %w", list.Items[i].GetName(), err)
		}
	}
	return out, nil
}

// parseArgs parses args and returns the positional argument, of which at
// most max are allowed and, when max is 1 and what names it, one is
// required; "" when none was given. A code of -1 means go on; any other
// is the exit code of a command that stops here.
func (c *cli) parseArgs(args []string, what string, max int) (string, int) {
	all := pflag.NewFlagSet("kubectl hookflow "+c.name, pflag.ContinueOnError)
	all.SetOutput(io.Discard)
	all.Usage = func() {}
	all.AddFlagSet(c.flags)
	all.AddFlagSet(c.kubeFlagSet)
	err := all.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		fmt.Fprintln(c.stdout, c.synopsis)
		if c.flags.HasFlags() {
			fmt.Fprintf(c.stdout, "Flags:\n%s\n", c.flags.FlagUsages())
		}
		fmt.Fprintf(c.stdout, "Kubernetes flags:\n%s", c.kubeFlagSet.FlagUsages())
		return "", exitOK
	case err != nil:
		return "", c.usageError(err.Error())
	case all.NArg() > max:
		return "", c.usageError(fmt.Sprintf("want at most %d argument, got %d", max, all.NArg()))
	case all.NArg() == 0 && what != "":
		return "", c.usageError("want one " + what)
	case all.NArg() == 0:
		return "", -1
	}
	return all.Arg(0), -1
}
