package main

import (
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// systemColumns are the columns pgstore sets on insert before the fields
// (internal/store/pgstore, insertColumns): the record id, the write key
// twice (created by, last written by) and the run that created it. The id
// is the primary key.
var systemColumns = []string{"_id", "_write_key", "_last_write_key", "_created_by_workflow", "_created_by_run"}

// rowSQL returns the columns of a record row and SQL expressions of their
// values, for rows inserted outside the server (the pgbench loop, the
// seeding): unique is a text expression distinct for each row; it fills
// the id, the write keys, the run and the text fields, so that a unique
// field never collides.
func rowSQL(fields []v1alpha1.WorksheetField, unique, workflow string) (columns, values []string) {
	for _, c := range systemColumns {
		columns = append(columns, pgx.Identifier{c}.Sanitize())
	}
	values = append(values, unique, unique, unique, literal(workflow), unique)
	for _, f := range fields {
		columns = append(columns, pgx.Identifier{f.Name}.Sanitize())
		values = append(values, fieldValueSQL(f, unique))
	}
	return columns, values
}

// fieldValueSQL is a valid value of field f, like the server's sample.
func fieldValueSQL(f v1alpha1.WorksheetField, unique string) string {
	switch f.Type {
	case v1alpha1.FieldNumber:
		return "129.5"
	case v1alpha1.FieldBoolean:
		return "false"
	case v1alpha1.FieldDateTime:
		return "now()"
	case v1alpha1.FieldJSON:
		return `'{}'::jsonb`
	case v1alpha1.FieldEmail:
		return "(" + unique + " || '@example.com')"
	case v1alpha1.FieldSelect:
		if len(f.Options) > 0 {
			return literal(f.Options[0])
		}
	}
	return unique
}

// literal quotes s as an SQL string literal.
func literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// insertRowSQL is an INSERT of one row into table.
func insertRowSQL(table string, columns, values []string) string {
	return "INSERT INTO " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(columns, ", ") + ") VALUES (" + strings.Join(values, ", ") + ")"
}
