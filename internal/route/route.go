// Package route compiles a Workflow and the Worksheets it writes to into a
// Route: the validated, typed form that the webhook server serves. The
// controller compiles to validate a Workflow and report its parameters; the
// server compiles the same way to build its route table. No I/O.
package route

import (
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/params"
)

// Route is a compiled Workflow.
type Route struct {
	Namespace  string
	Name       string
	UID        types.UID
	Generation int64

	// Methods accepted, upper-case.
	Methods []string
	// Parameters, sorted by path.
	Parameters []params.Parameter
	// FullBody tells whether the parameter "body" holds the raw body.
	FullBody bool
	// Security of the webhook.
	Security Security
	// Steps in order.
	Steps []Step
	// Response is the answer of a run; nil for the default answers.
	Response *Response
}

// Step is a compiled step.
type Step struct {
	Name string
	// When is nil when the step always runs.
	When *celexpr.Program
	// CreateRecord or UpdateRecord is the step's action.
	CreateRecord *CreateRecord
	UpdateRecord *UpdateRecord
}

// CreateRecord adds a record to a Worksheet.
type CreateRecord struct {
	Worksheet Sheet
	// Fields in the order of the Worksheet's fields.
	Fields []FieldMapping
}

// FieldMapping gives the value of one field.
type FieldMapping struct {
	Field string
	Value *celexpr.Program
}

// Sheet is what a step needs to know of a Worksheet.
type Sheet struct {
	Name   string
	UID    types.UID
	Fields []v1alpha1.WorksheetField
	// Postgres is set for a Worksheet kept in PostgreSQL.
	Postgres *PostgresTable
}

// PostgresTable is where a Worksheet kept in PostgreSQL lives.
type PostgresTable struct {
	// Connection is the Secret key of the connection string.
	Connection SecretKey
	// Table is the table's name.
	Table string
}

// SheetOf returns what steps need to know of a Worksheet.
func SheetOf(ws *v1alpha1.Worksheet) Sheet {
	s := Sheet{Name: ws.Name, UID: ws.UID, Fields: ws.Spec.Fields}
	if key, ok := ConnectionKey(ws.Spec.Storage); ok {
		s.Postgres = &PostgresTable{Connection: key, Table: ws.PostgresTable()}
	}
	return s
}

// ConnectionKey returns the Secret key of a Postgres store's connection
// string; ok is false for the CustomResource store.
func ConnectionKey(spec v1alpha1.StoreSpec) (key SecretKey, ok bool) {
	if spec.Type != v1alpha1.StorePostgres || spec.Postgres == nil {
		return SecretKey{}, false
	}
	return SecretKey{Name: spec.Postgres.ConnectionSecretRef.Name, Key: spec.Postgres.ConnectionKey()}, true
}

// Sheets returns the distinct Worksheets the steps write to, in order.
func (r *Route) Sheets() []*Sheet {
	var out []*Sheet
	seen := map[string]bool{}
	for i := range r.Steps {
		var s *Sheet
		switch st := &r.Steps[i]; {
		case st.CreateRecord != nil:
			s = &st.CreateRecord.Worksheet
		case st.UpdateRecord != nil:
			s = &st.UpdateRecord.Worksheet
		default:
			continue
		}
		if !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s)
		}
	}
	return out
}

// AllowsMethod tells whether the route accepts an HTTP method.
func (r *Route) AllowsMethod(method string) bool {
	for _, m := range r.Methods {
		if m == method {
			return true
		}
	}
	return false
}

// Worksheets returns the names of the Worksheets a Workflow's steps use, in
// order of first use and without repeats.
func Worksheets(wf *v1alpha1.Workflow) []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range wf.Spec.Steps {
		if n := worksheetOf(s); n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return names
}

func worksheetOf(s v1alpha1.Step) string {
	switch {
	case s.CreateRecord != nil:
		return s.CreateRecord.Worksheet
	case s.UpdateRecord != nil:
		return s.UpdateRecord.Worksheet
	case s.UpsertRecord != nil:
		return s.UpsertRecord.Worksheet
	}
	return ""
}
