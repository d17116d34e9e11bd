// Package storetest is the test suite that every store.RecordStore passes:
// each store's tests call Run with a Harness on their own backend, so that
// every rule of one store holds for the others, and each reports errors,
// ErrUnavailable above all, the same way.
package storetest

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

// Harness gives the suite Worksheets on the backend of the store under test.
type Harness struct {
	// NewSheet makes a fresh, empty Worksheet with fields on a backend that
	// is up.
	NewSheet func(t *testing.T, fields []v1alpha1.WorksheetField) Sheet
	// DownSheet makes a Worksheet whose store talks to a backend that
	// nobody answers on (a closed loopback port), and returns the password
	// that the store's connection holds, which no error may contain. The
	// Sheet's Count, Values and Version are not called.
	DownSheet func(t *testing.T, fields []v1alpha1.WorksheetField) (sheet Sheet, password string)
}

// Sheet is a Worksheet and the store under test that writes its records,
// with what the suite needs to build store.Record and store.Update as the
// runner does, and to read the records straight from the backend.
type Sheet struct {
	Store store.RecordStore

	Namespace string
	Name      string
	UID       types.UID
	Fields    []v1alpha1.WorksheetField
	// Table is the Worksheet's PostgreSQL table, created already; nil for
	// a Worksheet kept as WorksheetRecords.
	Table *store.Table

	// Count returns the number of records of the Worksheet.
	Count func(t *testing.T) int
	// Values returns the values of record id as stored. The suite
	// normalizes them with record.Normalize before comparing, so any Go
	// type that normalizes to the value will do (time.Time for a
	// DateTime); numbers inside JSON fields must keep their digits
	// (json.Number).
	Values func(t *testing.T, id string) map[string]any
	// Version returns a token of record id that changes each time the
	// record is written, even with the same values (a resourceVersion, a
	// row version).
	Version func(t *testing.T, id string) string
}
