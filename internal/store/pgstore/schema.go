// Package pgstore keeps the records of Worksheets in PostgreSQL tables: one
// table per Worksheet, one column per field, creates committed together
// (group commit).
package pgstore

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// System columns. They start with "_", which no field name does.
const (
	colID                = "_id"
	colWriteKey          = "_write_key"
	colLastWriteKey      = "_last_write_key"
	colCreatedByWorkflow = "_created_by_workflow"
	colCreatedByRun      = "_created_by_run"
	colCreatedAt         = "_created_at"
	colUpdatedByWorkflow = "_updated_by_workflow"
	colUpdatedByRun      = "_updated_by_run"
	colUpdatedAt         = "_updated_at"
)

// Column types, as PostgreSQL's format_type names them.
const (
	typeText        = "text"
	typeDouble      = "double precision"
	typeBoolean     = "boolean"
	typeTimestamptz = "timestamp with time zone"
	typeJSONB       = "jsonb"
)

// column is a column of a record table.
type column struct {
	name string
	typ  string
	// extra follows the type in CREATE TABLE and ADD COLUMN.
	extra string
}

// systemColumns are the columns of every record table besides the fields:
// the record's id (from the write key that created it), that write key,
// the last write key (an update retried with it writes nothing again) and
// the provenance.
var systemColumns = []column{
	{name: colID, typ: typeText, extra: "PRIMARY KEY"},
	{name: colWriteKey, typ: typeText},
	{name: colLastWriteKey, typ: typeText},
	{name: colCreatedByWorkflow, typ: typeText},
	{name: colCreatedByRun, typ: typeText},
	{name: colCreatedAt, typ: typeTimestamptz, extra: "NOT NULL DEFAULT now()"},
	{name: colUpdatedByWorkflow, typ: typeText},
	{name: colUpdatedByRun, typ: typeText},
	{name: colUpdatedAt, typ: typeTimestamptz},
}

// ColumnType is the column type of a field type:
//   - Text, Select, Email: text.
//   - Number: double precision. package record normalizes every Number to
//     a float64, and a float8 holds exactly the same IEEE 754 double (pgx
//     sends and reads it in binary), so a value reads back bit for bit;
//     numeric would round-trip through decimal text for no gain.
//   - Boolean: boolean.
//   - DateTime: timestamp with time zone, which keeps microseconds: the
//     normalized RFC 3339 string is cut to microseconds when written, and
//     read back in UTC in the same RFC 3339 form.
//   - JSON: jsonb.
func ColumnType(t v1alpha1.FieldType) (string, error) {
	switch t {
	case v1alpha1.FieldText, v1alpha1.FieldSelect, v1alpha1.FieldEmail:
		return typeText, nil
	case v1alpha1.FieldNumber:
		return typeDouble, nil
	case v1alpha1.FieldBoolean:
		return typeBoolean, nil
	case v1alpha1.FieldDateTime:
		return typeTimestamptz, nil
	case v1alpha1.FieldJSON:
		return typeJSONB, nil
	}
	return "", fmt.Errorf("field type %q has no column type", t)
}

// quote quotes an identifier.
func quote(name string) string {
	return pgx.Identifier{name}.Sanitize()
}
