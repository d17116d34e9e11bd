package devenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/webhookserver"
)

const sampleNamespace = "default"

// applySamples server-side applies every object of the YAML files in dir
// (namespace "default" when a manifest names none) and returns the keys of
// the Workflows among them.
func applySamples(ctx context.Context, c client.Client, dir string) ([]client.ObjectKey, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var workflows []client.ObjectKey
	for _, file := range files {
		if filepath.Base(file) == "kustomization.yaml" {
			continue
		}
		objs, err := readManifests(file)
		if err != nil {
			return nil, err
		}
		for _, u := range objs {
			if u.GetNamespace() == "" {
				u.SetNamespace(sampleNamespace)
			}
			if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("hookflow-dev"), client.ForceOwnership); err != nil {
				return nil, fmt.Errorf("apply %s %s from %s: %w", u.GetKind(), u.GetName(), file, err)
			}
			if u.GroupVersionKind() == v1alpha1.GroupVersion.WithKind("Workflow") {
				workflows = append(workflows, client.ObjectKeyFromObject(u))
			}
		}
	}
	return workflows, nil
}

func readManifests(file string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return objs, nil
			}
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		if len(u.Object) > 0 {
			objs = append(objs, u)
		}
	}
}

// sampleState is what became of a sample Workflow.
type sampleState struct {
	workflow *v1alpha1.Workflow
	// problem says why the Workflow is not served; empty when it is.
	problem string
}

// waitServed waits until each Workflow is Ready at its generation and in
// the server's route table. A Workflow that the controller found unusable,
// or that is not served within timeout, is reported with its Ready
// condition, and the others are still served.
func waitServed(ctx context.Context, c client.Reader, srv *webhookserver.Server, keys []client.ObjectKey, timeout time.Duration) ([]sampleState, error) {
	out := make([]sampleState, 0, len(keys))
	for _, key := range keys {
		wf := &v1alpha1.Workflow{}
		var problem string
		err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
			if err := c.Get(ctx, key, wf); err != nil {
				return false, err
			}
			ready := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
			if ready == nil || ready.ObservedGeneration != wf.Generation {
				problem = "the controller has not judged it yet"
				return false, nil
			}
			if ready.Status != metav1.ConditionTrue {
				problem = ready.Reason + ": " + ready.Message
				return meta.IsStatusConditionTrue(wf.Status.Conditions, v1alpha1.StalledCondition), nil
			}
			problem = "not in the route table yet"
			if srv.Routes().Load().Lookup(wf.Status.WebhookID) == nil {
				return false, nil
			}
			problem = ""
			return true, nil
		})
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, sampleState{workflow: wf, problem: problem})
	}
	return out, nil
}

type summary struct {
	kubeconfig string
	kubectl    string
	plugin     string
	baseURL    string
	samples    []sampleState
}

// printSummary prints, for each sample Workflow, its URL, a curl line that
// sends its sample, and the kubectl line that lists the records.
func printSummary(w io.Writer, s summary) {
	kubectl := s.kubectl + " --kubeconfig " + s.kubeconfig
	fmt.Fprintf(w, "\nhookflow dev is running; Ctrl-C stops it.\n\n")
	fmt.Fprintf(w, "  webhook server  %s\n", s.baseURL)
	fmt.Fprintf(w, "  kubeconfig      %s\n", s.kubeconfig)
	fmt.Fprintf(w, "  kubectl         %s\n", kubectl)
	for _, sample := range s.samples {
		wf := sample.workflow
		fmt.Fprintf(w, "\nWorkflow %s/%s\n", wf.Namespace, wf.Name)
		if sample.problem != "" {
			fmt.Fprintf(w, "  NOT SERVED: %s\n", sample.problem)
			fmt.Fprintf(w, "  status:  %s get workflow %s -n %s -o yaml\n", kubectl, wf.Name, wf.Namespace)
			continue
		}
		fmt.Fprintf(w, "  URL:     %s\n", wf.Status.WebhookURL)
		if signed(wf) {
			// A signed webhook refuses a plain curl: the plugin signs with
			// the Workflow's Secret, read with the user's own kubeconfig.
			fmt.Fprintf(w, "  send:    %s --kubeconfig %s send %s -n %s%s\n", s.plugin, s.kubeconfig, wf.Name, wf.Namespace, sendData(wf))
		} else {
			fmt.Fprintf(w, "  call:    %s\n", curlLine(wf))
		}
		fmt.Fprintf(w, "  records: %s get worksheetrecords -n %s\n", kubectl, wf.Namespace)
	}
	fmt.Fprintln(w)
}

// curlLine is a ready curl command that sends the Workflow's sample.
func curlLine(wf *v1alpha1.Workflow) string {
	hook := wf.Spec.Trigger.Webhook
	post := len(hook.Methods) == 0
	for _, m := range hook.Methods {
		post = post || m == "POST"
	}
	url := wf.Status.WebhookURL
	switch {
	case hook.Sample.Source == v1alpha1.SampleKeyValue:
		pairs := make([]string, 0, len(hook.Sample.KeyValues))
		for _, kv := range hook.Sample.KeyValues {
			pairs = append(pairs, "--data-urlencode "+shellQuote(kv.Name+"="+kv.Value))
		}
		if !post {
			return "curl -sS -G " + strings.Join(pairs, " ") + " " + shellQuote(url)
		}
		return "curl -sS " + strings.Join(pairs, " ") + " " + shellQuote(url)
	case post:
		return "curl -sS -H 'Content-Type: application/json' -d " + shellQuote(compactJSON(hook.Sample.JSON)) + " " + shellQuote(url)
	default:
		return "curl -sS " + shellQuote(url)
	}
}

// signed tells whether the Workflow's security needs a signature.
func signed(wf *v1alpha1.Workflow) bool {
	sec := wf.Spec.Trigger.Webhook.Security
	return sec != nil && ((sec.AppAuth != nil && sec.AppAuth.Enabled) || sec.Signature != nil)
}

// sendData is the --data flag of the send line: the JSON sample, if any.
func sendData(wf *v1alpha1.Workflow) string {
	sample := wf.Spec.Trigger.Webhook.Sample
	if sample.Source != v1alpha1.SampleJSON || sample.JSON == "" {
		return ""
	}
	return " --data " + shellQuote(compactJSON(sample.JSON))
}

func compactJSON(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
