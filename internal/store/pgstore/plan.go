package pgstore

import (
	"fmt"
	"strings"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// tableState is what the catalog says of a table.
type tableState struct {
	exists bool
	// columns holds the type of each column, by name.
	columns map[string]string
	indexes []indexState
}

// indexState is an index of the table.
type indexState struct {
	name string
	// column is the one column indexed; "" for an index on several
	// columns or on an expression.
	column  string
	unique  bool
	primary bool
}

// ddl is one statement of a migration.
type ddl struct {
	sql string
	// uniqueColumn is the column of a unique index being built: the
	// statement fails when records hold duplicates.
	uniqueColumn string
}

// planMigration returns the statements that make table fit fields: create
// the table, or add the columns it lacks (a column is never dropped: the
// data of a removed field is kept); create the unique index of the unique
// field and a plain index per indexed field, and drop the indexes of those
// names that are no longer wanted (an index of another name is someone
// else's and left alone). A column of another type is a *SchemaError.
func planMigration(table string, fields []v1alpha1.WorksheetField, current tableState) ([]ddl, error) {
	wanted, err := wantedColumns(fields)
	if err != nil {
		return nil, err
	}
	var plan []ddl
	if !current.exists {
		defs := make([]string, len(wanted))
		for i, c := range wanted {
			defs[i] = columnDefinition(c)
		}
		plan = append(plan, ddl{sql: "CREATE TABLE " + quote(table) + " (" + strings.Join(defs, ", ") + ")"})
	} else {
		alters, err := addColumns(table, wanted, current.columns, fields)
		if err != nil {
			return nil, err
		}
		plan = append(plan, alters...)
	}
	return append(plan, planIndexes(table, fields, current.indexes)...), nil
}

// wantedColumns are the system columns and a column per field.
func wantedColumns(fields []v1alpha1.WorksheetField) ([]column, error) {
	cols := append([]column(nil), systemColumns...)
	for _, f := range fields {
		typ, err := ColumnType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		if strings.HasPrefix(f.Name, "_") {
			return nil, fmt.Errorf("field %s: a field name cannot start with _", f.Name)
		}
		cols = append(cols, column{name: f.Name, typ: typ})
	}
	return cols, nil
}

func columnDefinition(c column) string {
	def := quote(c.name) + " " + c.typ
	if c.extra != "" {
		def += " " + c.extra
	}
	return def
}

// addColumns adds the columns the table lacks, after checking the types of
// those it has.
func addColumns(table string, wanted []column, have map[string]string, fields []v1alpha1.WorksheetField) ([]ddl, error) {
	var plan []ddl
	for _, c := range wanted {
		typ, ok := have[c.name]
		switch {
		case ok && typ != c.typ:
			return nil, &SchemaError{Table: table, Column: c.name, Reason: typeMismatch(c, typ, fields)}
		case ok:
			continue
		case c.name == colID:
			return nil, &SchemaError{Table: table, Column: c.name, Reason: "column _id is missing: the table was not made by hookflow"}
		}
		plan = append(plan, ddl{sql: "ALTER TABLE " + quote(table) + " ADD COLUMN " + columnDefinition(c)})
	}
	return plan, nil
}

// typeMismatch: "column amount is text, field amount is Number".
func typeMismatch(c column, have string, fields []v1alpha1.WorksheetField) string {
	for _, f := range fields {
		if f.Name == c.name {
			return fmt.Sprintf("column %s is %s, field %s is %s", c.name, have, f.Name, f.Type)
		}
	}
	return fmt.Sprintf("column %s is %s, want %s", c.name, have, c.typ)
}

// planIndexes creates the missing indexes of the unique and indexed fields
// (a field both unique and indexed has only the unique one) and drops the
// indexes of those names that no field wants any more.
func planIndexes(table string, fields []v1alpha1.WorksheetField, have []indexState) []ddl {
	existing := make(map[string]bool, len(have))
	for _, ix := range have {
		existing[ix.name] = true
	}
	wanted := map[string]bool{}
	var plan []ddl
	for _, f := range fields {
		if !f.Unique && !f.Indexed {
			continue
		}
		name := IndexName(table, f.Name, f.Unique)
		wanted[name] = true
		if existing[name] {
			continue
		}
		if f.Unique {
			plan = append(plan, ddl{
				sql:          "CREATE UNIQUE INDEX " + quote(name) + " ON " + quote(table) + " (" + quote(f.Name) + ")",
				uniqueColumn: f.Name,
			})
			continue
		}
		plan = append(plan, ddl{sql: "CREATE INDEX " + quote(name) + " ON " + quote(table) + " (" + quote(f.Name) + ")"})
	}
	for _, ix := range have {
		ours := ix.column != "" && !ix.primary && ix.name == IndexName(table, ix.column, ix.unique)
		if ours && !wanted[ix.name] {
			plan = append(plan, ddl{sql: "DROP INDEX " + quote(ix.name)})
		}
	}
	return plan
}
