package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/params"
)

const captureSynopsis = `Usage: kubectl hookflow capture WORKFLOW [-n NAMESPACE] [--timeout 3m] [flags]

Capture a sample from a live request, for a Workflow whose sample.source is
Capture: open a capture window (the annotation hookflow.dev/capture-requested-at),
show a countdown while the first GET or POST to the webhook URL is awaited,
and print the sample to commit (sample.json or sample.keyValues, and fullBody
as set), so that the Workflow can declare it. Exits 1 when the window closes
with no request.
`

// Poll intervals of the countdown.
var (
	capturePoll = time.Second
	// captureLogEvery is the interval of the countdown lines when stdout is
	// not a terminal.
	captureLogEvery = 10 * time.Second
)

func runCapture(args []string, stdout, stderr io.Writer) int {
	c := newCLI("capture", captureSynopsis, stdout, stderr)
	timeout := c.flags.Duration("timeout", 4*time.Minute, "How long to wait for the capture in all")
	name, code := c.parse(args)
	if code >= 0 {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	k, err := c.kube.connect()
	if err != nil {
		return c.fail(err)
	}
	wf, err := k.workflow(ctx, name)
	if err != nil {
		return c.fail(err)
	}
	if src := wf.Spec.Trigger.Webhook.Sample.Source; src != v1alpha1.SampleCapture {
		return c.fail(fmt.Errorf("the sample source of Workflow %q is %s, not Capture", name, src))
	}
	requested := time.Now().UTC().Format(time.RFC3339Nano)
	if err := k.annotate(ctx, name, v1alpha1.CaptureRequestedAtAnnotation, requested); err != nil {
		return c.fail(err)
	}
	tty := isTerminal(stdout)
	var lastLine time.Time
	for {
		wf, err := k.workflow(ctx, name)
		if err != nil {
			return c.fail(err)
		}
		capture := wf.Status.Capture
		if capture != nil && capture.RequestedAt == requested {
			switch capture.State {
			case v1alpha1.CaptureCaptured:
				if tty {
					fmt.Fprintln(stdout)
				}
				return printCaptured(c, wf)
			case v1alpha1.CaptureExpired:
				if tty {
					fmt.Fprintln(stdout)
				}
				return c.fail(fmt.Errorf("the capture window of Workflow %q closed with no request; run 'kubectl hookflow capture %s' again", name, name))
			case v1alpha1.CaptureWaiting:
				left := time.Until(capture.ExpiresAt.Time).Truncate(time.Second)
				line := fmt.Sprintf("Waiting for a GET or POST to %s: %s left", wf.Status.WebhookURL, max(left, 0))
				switch {
				case tty:
					fmt.Fprintf(stdout, "\r%s\033[K", line)
				case time.Since(lastLine) >= captureLogEvery:
					fmt.Fprintln(stdout, line)
					lastLine = time.Now()
				}
			}
		}
		select {
		case <-ctx.Done():
			if tty {
				fmt.Fprintln(stdout)
			}
			return c.fail(fmt.Errorf("no capture of Workflow %q within %s", name, *timeout))
		case <-time.After(capturePoll):
		}
	}
}

// printCaptured prints the captured sample as the YAML of a declared sample.
func printCaptured(c *cli, wf *v1alpha1.Workflow) int {
	capture := wf.Status.Capture
	declared, errs := params.CapturedSample(wf.Spec.Trigger.Webhook.Sample, capture, field.NewPath("status", "capture"))
	if len(errs) > 0 {
		return c.fail(fmt.Errorf("captured a %s request that gives no sample: %v", capture.Method, errs.ToAggregate()))
	}
	snippet, err := sampleYAML(declared)
	if err != nil {
		return c.fail(err)
	}
	what := capture.Method
	if capture.ContentType != "" {
		what += " " + capture.ContentType
	}
	fmt.Fprintf(c.stdout, "Captured a %s request; Workflow %q is served with its parameters.\n", what, wf.Name)
	fmt.Fprintf(c.stdout, "To declare this sample, put it in spec.trigger.webhook of the Workflow:\n\n%s", snippet)
	return exitOK
}

// sampleYAML is the YAML of `sample:` for a declared sample.
func sampleYAML(s v1alpha1.Sample) ([]byte, error) {
	type sample struct {
		Source    v1alpha1.SampleSource `json:"source"`
		JSON      string                `json:"json,omitempty"`
		KeyValues []v1alpha1.KeyValue   `json:"keyValues,omitempty"`
		FullBody  bool                  `json:"fullBody,omitempty"`
	}
	out, err := yaml.Marshal(map[string]sample{"sample": {Source: s.Source, JSON: s.JSON, KeyValues: s.KeyValues, FullBody: s.FullBody}})
	if err != nil {
		return nil, fmt.Errorf("encode the sample: %w", err)
	}
	return out, nil
}

// annotate sets an annotation of the Workflow name with a merge patch.
func (k *kube) annotate(ctx context.Context, name, key, value string) error {
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": map[string]string{key: value}}})
	if err != nil {
		return err
	}
	if _, err := k.client.Resource(workflowsResource).Namespace(k.namespace).Patch(ctx, name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		return fmt.Errorf("set the annotation %s of Workflow %q in namespace %q: %w", key, name, k.namespace, err)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
