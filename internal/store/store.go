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
	// WriteKey identifies this write (run id and step): writing the same key
	// twice creates one record.
	WriteKey string
	// CreatedBy is the run that writes the record.
	CreatedBy v1alpha1.RunReference
}

// RecordStore keeps the records of Worksheets.
type RecordStore interface {
	// CreateRecord stores a record and returns its id once it is durable.
	// Errors wrap ErrUnavailable or ErrDuplicate where they apply.
	CreateRecord(ctx context.Context, r Record) (id string, err error)
}
