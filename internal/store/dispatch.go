package store

import (
	"context"
	"fmt"
)

// ByKind is a RecordStore that writes each record to the store its
// Worksheet is kept in: Postgres for a record with a Table, CustomResource
// for the others.
type ByKind struct {
	CustomResource RecordStore
	// Postgres may be nil when no Worksheet is kept in PostgreSQL.
	Postgres RecordStore
}

var _ RecordStore = ByKind{}

// CreateRecord implements RecordStore.
func (s ByKind) CreateRecord(ctx context.Context, r Record) (string, error) {
	target, err := s.pick(r.Table)
	if err != nil {
		return "", err
	}
	return target.CreateRecord(ctx, r)
}

// UpdateRecord implements RecordStore.
func (s ByKind) UpdateRecord(ctx context.Context, u Update) (Updated, error) {
	target, err := s.pick(u.Table)
	if err != nil {
		return Updated{}, err
	}
	return target.UpdateRecord(ctx, u)
}

func (s ByKind) pick(t *Table) (RecordStore, error) {
	if t == nil {
		return s.CustomResource, nil
	}
	if s.Postgres == nil {
		return nil, fmt.Errorf("table %s: no PostgreSQL store in this process: %w", t.Name, ErrUnavailable)
	}
	return s.Postgres, nil
}

// WithTables returns a RecordStore that gives each record of a Worksheet
// named in tables its Table before passing it on to next: the tables of the
// Worksheets one Workflow writes to, resolved once per route.
func WithTables(next RecordStore, tables map[string]*Table) RecordStore {
	if len(tables) == 0 {
		return next
	}
	return withTables{next: next, tables: tables}
}

type withTables struct {
	next   RecordStore
	tables map[string]*Table
}

func (s withTables) CreateRecord(ctx context.Context, r Record) (string, error) {
	r.Table = s.tables[r.Worksheet]
	return s.next.CreateRecord(ctx, r)
}

func (s withTables) UpdateRecord(ctx context.Context, u Update) (Updated, error) {
	u.Table = s.tables[u.Worksheet]
	u.Create.Table = u.Table
	return s.next.UpdateRecord(ctx, u)
}
