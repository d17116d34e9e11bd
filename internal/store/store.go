// Package store defines where runs write records, and the errors every store
// reports in the same way.
package store

import (
	"context"
	"errors"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var (
	// ErrUnavailable means the store could not be reached or did not answer
	// in time: nothing can be promised, the caller should retry later.
	ErrUnavailable = errors.New("store unavailable")
	// ErrDuplicate means a unique field already holds the value.
	ErrDuplicate = errors.New("a record with this value already exists")
	// ErrNotFound means no record matches an update.
	ErrNotFound = errors.New("no record matches")
	// ErrAmbiguous means more than one record matches an update, which then
	// changes none: an update changes one record.
	ErrAmbiguous = errors.New("more than one record matches")
)

// Record is a record to create.
type Record struct {
	// Namespace and Worksheet locate the record.
	Namespace    string
	Worksheet    string
	WorksheetUID types.UID
	// Values are normalized by package record.
	Values map[string]any
	// UniqueField and UniqueKey identify the value of the Worksheet's unique
	// field; empty when it has none or the record leaves it empty.
	UniqueField string
	UniqueKey   string
	// IndexKeys are the keys (record.IndexKeys) of the values of the
	// Worksheet's indexed fields, by field name, by which updates find the
	// record.
	IndexKeys map[string]string
	// WriteKey identifies this write (run id and step): writing the same key
	// twice creates one record.
	WriteKey string
	// CreatedBy is the run that writes the record.
	CreatedBy v1alpha1.RunReference
	// Table locates the Worksheet's table when it is kept in PostgreSQL;
	// nil for a Worksheet kept as WorksheetRecords.
	Table *Table
}

// Table locates the PostgreSQL table of a Worksheet.
type Table struct {
	// Connection is the connection string. It holds a password: it is
	// never logged or put in an error.
	Connection string
	// Name of the table.
	Name string
	// Fields of the Worksheet, whose names are the table's columns.
	Fields []v1alpha1.WorksheetField
}

// RecordStore keeps the records of Worksheets.
type RecordStore interface {
	// CreateRecord stores a record and returns its id once it is durable.
	// Errors wrap ErrUnavailable or ErrDuplicate where they apply.
	CreateRecord(ctx context.Context, r Record) (id string, err error)
	// UpdateRecord changes the one record that matches u.Match, or, for an
	// upsert that matches none, creates u.Create; it returns once the write
	// is durable. Errors wrap ErrNotFound, ErrAmbiguous, ErrDuplicate or
	// ErrUnavailable where they apply, or are a *record.ValidationError
	// when the record as it would be written does not fit u.Fields.
	UpdateRecord(ctx context.Context, u Update) (Updated, error)
}

// Update changes the one record that matches, or, for an upsert, creates
// one when none does.
type Update struct {
	// Namespace and Worksheet locate the records.
	Namespace    string
	Worksheet    string
	WorksheetUID types.UID
	// Fields are the Worksheet's fields: the merged record is validated
	// against them before it is written.
	Fields []v1alpha1.WorksheetField
	// Match holds the normalized values that the record's fields must
	// equal. Each is the Worksheet's unique field or an indexed one, so a
	// store finds the record without a scan.
	Match map[string]any
	// Values holds the normalized new values of the fields the step maps
	// (record.NormalizeChanges): a nil value clears the field, and fields
	// left out keep their value.
	Values map[string]any
	// Upsert creates Create when no record matches.
	Upsert bool
	// Create is the record an upsert creates: the match and the values
	// together. The store validates it against Fields first, so a step
	// whose values only complete an existing record fails only when it has
	// to create one.
	Create Record
	// WriteKey identifies this write (run id and step).
	WriteKey string
	// UpdatedBy is the run that writes the record.
	UpdatedBy v1alpha1.RunReference
	// Table locates the Worksheet's table: see Record.Table.
	Table *Table
}

// Updated is the outcome of an UpdateRecord.
type Updated struct {
	// ID of the record written.
	ID string
	// Created tells whether an upsert created it.
	Created bool
	// Values of the record as written, normalized.
	Values map[string]any
}
