package pgstore

import (
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// insertColumns are the system columns an insert sets, before the fields.
var insertColumns = []string{colID, colWriteKey, colLastWriteKey, colCreatedByWorkflow, colCreatedByRun}

// insertSQL inserts a record unless its id or its unique value is taken,
// returning its id when it was inserted: the system columns of
// insertColumns, then a column per field.
func insertSQL(table string, fields []v1alpha1.WorksheetField) string {
	var b strings.Builder
	n := writeInsertInto(&b, table, fields)
	b.WriteString(") VALUES (")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	b.WriteString(") ON CONFLICT DO NOTHING RETURNING ")
	b.WriteString(quote(colID))
	return b.String()
}

// insertManySQL inserts many records in one statement, from one text
// array per column ($1, $2, ... in the order of insertSQL's columns), each
// cast to its column's type: PostgreSQL executes one statement for the
// whole batch instead of one per record. Like insertSQL, a row whose id or
// unique value is taken (by an earlier row of the same statement too) is
// skipped, and the ids of the rows inserted are returned.
func insertManySQL(table string, fields []v1alpha1.WorksheetField) (string, error) {
	types := make([]string, 0, len(insertColumns)+len(fields))
	for range insertColumns {
		types = append(types, typeText)
	}
	for _, f := range fields {
		t, err := ColumnType(f.Type)
		if err != nil {
			return "", err
		}
		types = append(types, t)
	}
	var b strings.Builder
	writeInsertInto(&b, table, fields)
	b.WriteString(") SELECT ")
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("u.v" + strconv.Itoa(i+1))
		if t != typeText {
			b.WriteString("::" + t)
		}
	}
	b.WriteString(" FROM unnest(")
	for i := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i+1) + "::text[]")
	}
	b.WriteString(") AS u(")
	for i := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("v" + strconv.Itoa(i+1))
	}
	b.WriteString(") ON CONFLICT DO NOTHING RETURNING ")
	b.WriteString(quote(colID))
	return b.String(), nil
}

// writeInsertInto writes "INSERT INTO table (columns" with the columns of
// insertColumns and of fields, and returns their number.
func writeInsertInto(b *strings.Builder, table string, fields []v1alpha1.WorksheetField) int {
	b.WriteString("INSERT INTO ")
	b.WriteString(quote(table))
	b.WriteString(" (")
	n := 0
	for _, c := range insertColumns {
		writeColumn(b, &n, c)
	}
	for _, f := range fields {
		writeColumn(b, &n, f.Name)
	}
	return n
}

// selectSQL reads the system columns of selectedSystemColumns and the
// fields of the records that match where, locking them.
func selectSQL(table string, fields []v1alpha1.WorksheetField, where string) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	n := 0
	for _, c := range selectedSystemColumns {
		writeColumn(&b, &n, c)
	}
	for _, f := range fields {
		writeColumn(&b, &n, f.Name)
	}
	b.WriteString(" FROM ")
	b.WriteString(quote(table))
	b.WriteString(" WHERE ")
	b.WriteString(where)
	return b.String()
}

// selectedSystemColumns are the system columns selectSQL reads.
var selectedSystemColumns = []string{colID, colWriteKey, colLastWriteKey}

// updateSQL writes every field of a record and its provenance: $1 is the
// id, $2 the write key, $3 and $4 the workflow and run, then the fields.
func updateSQL(table string, fields []v1alpha1.WorksheetField) string {
	var b strings.Builder
	b.WriteString("UPDATE ")
	b.WriteString(quote(table))
	b.WriteString(" SET ")
	b.WriteString(quote(colLastWriteKey) + " = $2, ")
	b.WriteString(quote(colUpdatedByWorkflow) + " = $3, ")
	b.WriteString(quote(colUpdatedByRun) + " = $4, ")
	b.WriteString(quote(colUpdatedAt) + " = now()")
	for i, f := range fields {
		b.WriteString(", " + quote(f.Name) + " = $" + strconv.Itoa(5+i))
	}
	b.WriteString(" WHERE " + quote(colID) + " = $1")
	return b.String()
}

func writeColumn(b *strings.Builder, n *int, name string) {
	if *n > 0 {
		b.WriteString(", ")
	}
	b.WriteString(quote(name))
	*n++
}
