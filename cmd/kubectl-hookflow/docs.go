package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var webhookServersResource = v1alpha1.GroupVersion.WithResource("webhookservers")

const docsSynopsis = `Usage: kubectl hookflow docs [WORKFLOW] [-n NAMESPACE] [flags]

Print the URL of the API documentation (/docs: HTML; /openapi.json: OpenAPI
3.1) of the WebhookServer that serves WORKFLOW, from its status.webhookURL;
without WORKFLOW, of the namespace's WebhookServer "default" (its status.url).
`

func runDocs(args []string, stdout, stderr io.Writer) int {
	c := newCLI("docs", docsSynopsis, stdout, stderr)
	name, code := c.parseArgs(args, "", 1)
	if code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	k, err := c.kube.connect()
	if err != nil {
		return c.fail(err)
	}
	base, err := k.docsBase(ctx, name)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(stdout, strings.TrimSuffix(base, "/")+"/docs")
	return exitOK
}

// docsBase is the base URL of the WebhookServer of the Workflow name, or
// of the namespace's default WebhookServer when name is empty.
func (k *kube) docsBase(ctx context.Context, name string) (string, error) {
	server := v1alpha1.DefaultServer
	if name != "" {
		wf, err := k.workflow(ctx, name)
		if err != nil {
			return "", err
		}
		if i := strings.LastIndex(wf.Status.WebhookURL, "/hooks/"); i > 0 {
			return wf.Status.WebhookURL[:i], nil
		}
		server = wf.ServerName()
	}
	ws := &v1alpha1.WebhookServer{}
	if err := k.get(ctx, webhookServersResource, "WebhookServer", server, ws); err != nil {
		return "", err
	}
	if ws.Status.URL == "" {
		return "", fmt.Errorf("WebhookServer %q in namespace %q has no URL yet (status.url): is the hookflow controller running?", server, k.namespace)
	}
	return ws.Status.URL, nil
}
