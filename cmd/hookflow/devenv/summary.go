package devenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

type summary struct {
	kubeconfig string
	kubectl    string
	plugin     string
	baseURL    string
	// metricsURL is the URL of the webhook server's metrics; empty
	// without them.
	metricsURL string
	// logPath is the file receiving the logs; empty when not known.
	logPath string
	// postgresURL is the URL of the local PostgreSQL; empty without one.
	postgresURL string
	samples     []sampleState
}

// printSummary prints the summary in one write, so that a reader never
// sees half of it.
func printSummary(out io.Writer, s summary) {
	var b bytes.Buffer
	writeSummary(&b, s)
	_, _ = out.Write(b.Bytes())
}

// writeSummary writes, for each sample Workflow, its URL, a curl line that
// sends its sample, and the kubectl or psql lines that list the records.
func writeSummary(w io.Writer, s summary) {
	kubectl := s.kubectl + " --kubeconfig " + s.kubeconfig
	fmt.Fprintf(w, "\nhookflow dev is running; Ctrl-C stops it.\n\n")
	fmt.Fprintf(w, "  webhook server  %s\n", s.baseURL)
	if s.metricsURL != "" {
		fmt.Fprintf(w, "  metrics         %s\n", s.metricsURL)
	}
	if s.logPath != "" {
		fmt.Fprintf(w, "  logs            %s  (--verbose also shows them here)\n", s.logPath)
	}
	fmt.Fprintf(w, "  kubeconfig      %s\n", s.kubeconfig)
	fmt.Fprintf(w, "  kubectl         %s\n", kubectl)
	if s.postgresURL != "" {
		fmt.Fprintf(w, "  postgres        %s  (psql %s)\n", s.postgresURL, shellQuote(s.postgresURL))
	}
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
		printRecordLines(w, sample.sheets, kubectl+" get worksheetrecords -n "+wf.Namespace, s.postgresURL)
	}
	fmt.Fprintln(w)
}

// printRecordLines prints how to list the records of each Worksheet a
// Workflow writes: the kubectl line for those kept as WorksheetRecords
// (once), a psql line for each table in the local PostgreSQL.
func printRecordLines(w io.Writer, sheets []sheetState, kubectlLine, postgresURL string) {
	listed := false
	for _, sheet := range sheets {
		switch {
		case sheet.problem != "":
			fmt.Fprintf(w, "  records: NOT READY: Worksheet %s: %s\n", sheet.name, sheet.problem)
		case sheet.table == "":
			if !listed {
				fmt.Fprintf(w, "  records: %s\n", kubectlLine)
				listed = true
			}
		case sheet.local && postgresURL != "":
			fmt.Fprintf(w, "  records: %s\n", psqlLine(postgresURL, sheet.table))
		default:
			fmt.Fprintf(w, "  records: in PostgreSQL table %s\n", sheet.table)
		}
	}
	if len(sheets) == 0 {
		fmt.Fprintf(w, "  records: %s\n", kubectlLine)
	}
}

// psqlLine is a ready psql command that lists the rows of a table (whose
// name, by the Worksheet's validation, needs no quoting).
func psqlLine(postgresURL, table string) string {
	return "psql " + shellQuote(postgresURL) + " -c " + shellQuote("SELECT * FROM "+table)
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
