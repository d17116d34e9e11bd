package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/client-go/tools/pager"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var (
	worksheetsResource       = v1alpha1.GroupVersion.WithResource("worksheets")
	worksheetRecordsResource = v1alpha1.GroupVersion.WithResource("worksheetrecords")
)

// clock is the time the AGE columns count from; the tests fix it.
var clock = time.Now

// maxJSONCell is how many characters of a JSON value a table cell shows.
const maxJSONCell = 40

const recordsSynopsis = `Usage: kubectl hookflow records WORKSHEET [-n NAMESPACE] [--limit 50] [-o json]

Print the records of a Worksheet kept as WorksheetRecords (storage.type
CustomResource), newest first: NAME, one column per field, CREATED BY
(workflow/run) and AGE. A Worksheet kept in PostgreSQL is refused: its
records are in its table (status.table).`

func runRecords(args []string, stdout, stderr io.Writer) int {
	c := newCLI("records", recordsSynopsis, stdout, stderr)
	limit := c.flags.Int("limit", 50, "print at most the newest N records")
	output := c.flags.StringP("output", "o", "", "json: print a JSON array")
	name, code := c.parseArgs(args, "WORKSHEET name", 1)
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
	ws := &v1alpha1.Worksheet{}
	if err := k.get(ctx, worksheetsResource, "Worksheet", name, ws); err != nil {
		return c.fail(err)
	}
	if ws.Spec.Storage.Type == v1alpha1.StorePostgres {
		return c.fail(fmt.Errorf("Worksheet %q keeps its records in PostgreSQL, in table %q: there are no WorksheetRecords to list", name, postgresTable(ws)))
	}
	records, err := listAll[v1alpha1.WorksheetRecord](ctx, k, worksheetRecordsResource, "WorksheetRecords", v1alpha1.WorksheetLabel+"="+name)
	if err != nil {
		return c.fail(err)
	}
	slices.SortFunc(records, func(a, b v1alpha1.WorksheetRecord) int {
		return cmp.Or(recordTime(&b).Compare(recordTime(&a)), strings.Compare(a.Name, b.Name))
	})
	records = records[:min(len(records), *limit)]
	if *output == "json" {
		return printJSON(c, recordsJSON(records))
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 3, ' ', 0)
	header := []string{"NAME"}
	for _, f := range ws.Spec.Fields {
		header = append(header, strings.ToUpper(f.Name))
	}
	fmt.Fprintln(tw, strings.Join(append(header, "CREATED BY", "AGE"), "\t"))
	now := clock()
	for i := range records {
		r := &records[i]
		row := []string{r.Name}
		for _, f := range ws.Spec.Fields {
			row = append(row, cell(r.Spec.Values, f))
		}
		fmt.Fprintln(tw, strings.Join(append(row, createdBy(r.Status.CreatedBy), age(now, recordTime(r))), "\t"))
	}
	if err := tw.Flush(); err != nil {
		return c.fail(fmt.Errorf("write: %w", err))
	}
	return exitOK
}

// checkListFlags checks --limit and -o of records and runs. A code of -1
// means go on.
func checkListFlags(c *cli, limit int, output string) int {
	switch {
	case limit < 1:
		return c.usageError(fmt.Sprintf("--limit %d: want at least 1", limit))
	case output != "" && output != "json":
		return c.usageError(fmt.Sprintf("--output %q: want json, or no --output for a table", output))
	}
	return -1
}

// postgresTable is the table of a Worksheet kept in PostgreSQL: the
// controller's status.table, else the one the spec gives (v1alpha1.Worksheet.PostgresTable).
func postgresTable(ws *v1alpha1.Worksheet) string {
	if ws.Status.Table != "" {
		return ws.Status.Table
	}
	return ws.PostgresTable()
}

// listAll lists, page by page, the objects of resource in k's namespace
// that match selector, decoded as T.
func listAll[T any](ctx context.Context, k *kube, resource schema.GroupVersionResource, kinds, selector string) ([]T, error) {
	client := k.client.Resource(resource).Namespace(k.namespace)
	p := pager.New(pager.SimplePageFunc(func(opts metav1.ListOptions) (runtime.Object, error) {
		return client.List(ctx, opts)
	}))
	var out []T
	err := p.EachListItem(ctx, metav1.ListOptions{LabelSelector: selector}, func(obj runtime.Object) error {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return fmt.Errorf("unexpected list item %T", obj)
		}
		var item T
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &item); err != nil {
			return fmt.Errorf("decode %s %q: %w", kinds, u.GetName(), err)
		}
		out = append(out, item)
		return nil
	})
	switch {
	case apierrors.IsNotFound(err):
		return nil, fmt.Errorf("the API of %s (%s) is not served by this cluster: are the hookflow CRDs installed?", kinds, resource.GroupVersion())
	case apierrors.IsForbidden(err):
		return nil, fmt.Errorf("not allowed to list %s in namespace %q: %w", kinds, k.namespace, err)
	case err != nil:
		return nil, fmt.Errorf("list %s in namespace %q: %w", kinds, k.namespace, err)
	}
	return out, nil
}

// recordTime is when a record was created: status.createdAt, else its
// creationTimestamp.
func recordTime(r *v1alpha1.WorksheetRecord) time.Time {
	if r.Status.CreatedAt != nil {
		return r.Status.CreatedAt.Time
	}
	return r.CreationTimestamp.Time
}

// cell is the table cell of field f: strings bare, other scalars as JSON,
// JSON values compact and cut to maxJSONCell characters, empty when missing.
func cell(values map[string]apiextensionsv1.JSON, f v1alpha1.WorksheetField) string {
	v, ok := values[f.Name]
	if !ok || len(v.Raw) == 0 {
		return ""
	}
	var s string
	if f.Type != v1alpha1.FieldJSON && json.Unmarshal(v.Raw, &s) == nil {
		return oneLine(s)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, v.Raw); err != nil {
		return oneLine(string(v.Raw))
	}
	return cut(oneLine(compact.String()), maxJSONCell)
}

// cut returns s, or its first n-1 characters and "…" when it is longer than n.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// oneLine keeps a cell on one line and out of tabwriter's columns.
var oneLine = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace

func createdBy(ref *v1alpha1.RunReference) string {
	if ref == nil {
		return ""
	}
	return ref.Workflow + "/" + ref.Run
}

// age is kubectl's AGE of t.
func age(now, t time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t))
}

// recordJSON is one record of `records -o json`.
type recordJSON struct {
	Name      string                          `json:"name"`
	Values    map[string]apiextensionsv1.JSON `json:"values"`
	CreatedBy *v1alpha1.RunReference          `json:"createdBy,omitempty"`
	CreatedAt *metav1.Time                    `json:"createdAt,omitempty"`
}

func recordsJSON(records []v1alpha1.WorksheetRecord) []recordJSON {
	out := make([]recordJSON, len(records))
	for i, r := range records {
		values := r.Spec.Values
		if values == nil {
			values = map[string]apiextensionsv1.JSON{}
		}
		out[i] = recordJSON{Name: r.Name, Values: values, CreatedBy: r.Status.CreatedBy, CreatedAt: r.Status.CreatedAt}
	}
	return out
}

// printJSON prints v indented, as kubectl's -o json.
func printJSON(c *cli, v any) int {
	data, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return c.fail(fmt.Errorf("encode JSON: %w", err))
	}
	fmt.Fprintf(c.stdout, "%s\n", data)
	return exitOK
}
