package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// maxUpsertAttempts bounds the attempts of an upsert whose insert found
// the unique value taken by a record written meanwhile.
const maxUpsertAttempts = 3

// errRetry marks an upsert whose insert met a record written meanwhile.
var errRetry = errors.New("record written concurrently")

// UpdateRecord changes the one record that matches u.Match, in one
// transaction that locks it (SELECT ... FOR UPDATE). An upsert that
// matches none inserts u.Create; upserts of the same match take an
// advisory lock first, so that concurrent ones end as one record, and one
// whose insert meets the unique value written meanwhile (by a create)
// tries again as an update. A retry with the write key that last wrote
// the record returns it as it is.
func (s *Records) UpdateRecord(ctx context.Context, u store.Update) (store.Updated, error) {
	if u.Table == nil {
		return store.Updated{}, fmt.Errorf("update record: Worksheet %s/%s: %w", u.Namespace, u.Worksheet, errNoTable)
	}
	where, args, err := matchClause(u)
	if err != nil {
		return store.Updated{}, err
	}
	pool, err := s.pools.Get(u.Table.Connection)
	if err != nil {
		return store.Updated{}, classify("update record", u.Table.Name, err)
	}
	for attempt := 1; ; attempt++ {
		res, err := s.updateOnce(ctx, pool, u, where, args)
		if err != nil && ctx.Err() == nil && connectionLost(err) {
			// Idle connections may be stale too: open new ones next time.
			pool.Reset()
		}
		switch {
		case !errors.Is(err, errRetry):
			return res, err
		case attempt == maxUpsertAttempts:
			return store.Updated{}, fmt.Errorf("%s: %w", uniqueFieldName(u.Fields), store.ErrDuplicate)
		}
	}
}

func (s *Records) updateOnce(ctx context.Context, pool *pgxpool.Pool, u store.Update, where string, args []any) (store.Updated, error) {
	t := u.Table
	tx, err := pool.Begin(ctx)
	if err != nil {
		return store.Updated{}, classify("update record", t.Name, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if u.Upsert {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey("upsert", t.Name+"\x00"+matchKey(u))); err != nil {
			return store.Updated{}, classify("update record: lock", t.Name, err)
		}
	}
	found, err := findForUpdate(ctx, tx, u, where, args)
	if err != nil {
		return store.Updated{}, err
	}
	var res store.Updated
	switch {
	case len(found) > 1:
		return store.Updated{}, store.ErrAmbiguous
	case len(found) == 1:
		res, err = writeUpdate(ctx, tx, u, found[0])
	case !u.Upsert:
		return store.Updated{}, store.ErrNotFound
	default:
		res, err = insertForUpsert(ctx, tx, u)
	}
	if err != nil {
		return store.Updated{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return store.Updated{}, classify("update record: commit", t.Name, err)
	}
	return res, nil
}

// storedRecord is a record read for an update.
type storedRecord struct {
	id           string
	writeKey     string
	lastWriteKey string
	values       map[string]any
}

// findForUpdate reads and locks the records that match, two at most.
func findForUpdate(ctx context.Context, tx pgx.Tx, u store.Update, where string, args []any) ([]storedRecord, error) {
	rows, err := tx.Query(ctx, selectSQL(u.Table.Name, u.Table.Fields, where)+" LIMIT 2 FOR UPDATE", args...)
	if err != nil {
		return nil, classify("update record: find", u.Table.Name, err)
	}
	defer rows.Close()
	var found []storedRecord
	for rows.Next() {
		var id string
		var writeKey, lastWriteKey *string
		scanners := fieldScanners(u.Table.Fields)
		targets := []any{&id, &writeKey, &lastWriteKey}
		for _, sc := range scanners {
			targets = append(targets, sc.target())
		}
		if err := rows.Scan(targets...); err != nil {
			return nil, classify("update record: read", u.Table.Name, err)
		}
		values, err := scannedValues(scanners)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", id, err)
		}
		found = append(found, storedRecord{id: id, writeKey: deref(writeKey), lastWriteKey: deref(lastWriteKey), values: values})
	}
	if err := rows.Err(); err != nil {
		return nil, classify("update record: find", u.Table.Name, err)
	}
	return found, nil
}

// writeUpdate merges u.Values into the record and writes it, unless this
// write key wrote it last (a retry).
func writeUpdate(ctx context.Context, tx pgx.Tx, u store.Update, rec storedRecord) (store.Updated, error) {
	created := u.WriteKey != "" && rec.writeKey == u.WriteKey
	if u.WriteKey != "" && rec.lastWriteKey == u.WriteKey {
		return store.Updated{ID: rec.id, Created: created, Values: rec.values}, nil
	}
	merged, err := record.Apply(u.Fields, rec.values, u.Values)
	if err != nil {
		return store.Updated{}, err
	}
	fieldArgs, err := columnArgs(u.Table.Fields, merged)
	if err != nil {
		return store.Updated{}, err
	}
	args := append([]any{rec.id, nullable(u.WriteKey), nullable(u.UpdatedBy.Workflow), nullable(u.UpdatedBy.Run)}, fieldArgs...)
	if _, err := tx.Exec(ctx, updateSQL(u.Table.Name, u.Table.Fields), args...); err != nil {
		if field, ok := uniqueViolation(err, u.Table.Name, u.Fields); ok {
			return store.Updated{}, fmt.Errorf("%s: %w", field, store.ErrDuplicate)
		}
		return store.Updated{}, classify("update record", u.Table.Name, err)
	}
	return store.Updated{ID: rec.id, Created: created, Values: storedValues(u.Fields, merged)}, nil
}

// insertForUpsert inserts u.Create, validated against u.Fields first. When
// its id or unique value is taken, errRetry: the next attempt finds and
// updates that record.
func insertForUpsert(ctx context.Context, tx pgx.Tx, u store.Update) (store.Updated, error) {
	values, err := record.Normalize(u.Fields, u.Create.Values)
	if err != nil {
		return store.Updated{}, err
	}
	fieldArgs, err := columnArgs(u.Table.Fields, values)
	if err != nil {
		return store.Updated{}, err
	}
	writeKey := u.Create.WriteKey
	if writeKey == "" {
		writeKey = u.WriteKey
	}
	id := RecordID(u.Namespace, u.Worksheet, writeKey)
	by := u.Create.CreatedBy
	if by == (v1alpha1.RunReference{}) {
		by = u.UpdatedBy
	}
	args := append([]any{id, nullable(writeKey), nullable(u.WriteKey), nullable(by.Workflow), nullable(by.Run)}, fieldArgs...)
	var inserted string
	err = tx.QueryRow(ctx, insertSQL(u.Table.Name, u.Table.Fields), args...).Scan(&inserted)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.Updated{}, errRetry
	case err != nil:
		return store.Updated{}, classify("upsert record", u.Table.Name, err)
	}
	return store.Updated{ID: id, Created: true, Values: storedValues(u.Fields, values)}, nil
}

// matchClause is the WHERE clause of u.Match and its arguments. Each
// matched field must be the unique field or an indexed one, with a value.
func matchClause(u store.Update) (string, []any, error) {
	names := make([]string, 0, len(u.Match))
	for name := range u.Match {
		names = append(names, name)
	}
	slices.Sort(names)
	conds := make([]string, 0, len(names))
	args := make([]any, 0, len(names))
	for _, name := range names {
		f, ok := fieldNamed(u.Fields, name)
		if !ok || (!f.Unique && !f.Indexed) {
			return "", nil, fmt.Errorf("match on field %s: it is neither the unique field nor indexed", name)
		}
		if _, ok := record.ValueKey(f, u.Match[name]); !ok {
			return "", nil, fmt.Errorf("match on field %s: no valid value", name)
		}
		arg, reason, err := columnValue(f, u.Match[name])
		if err != nil {
			return "", nil, fmt.Errorf("match on field %s: %w", name, err)
		}
		if reason != "" {
			return "", nil, &record.ValidationError{Problems: []record.Problem{{Field: name, Reason: reason}}}
		}
		args = append(args, arg)
		conds = append(conds, quote(name)+" = $"+strconv.Itoa(len(args)))
	}
	if len(conds) == 0 {
		return "TRUE", nil, nil
	}
	return strings.Join(conds, " AND "), args, nil
}

// matchKey identifies the records u.Match finds, for the advisory lock of
// upserts.
func matchKey(u store.Update) string {
	var b strings.Builder
	names := make([]string, 0, len(u.Match))
	for name := range u.Match {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		f, _ := fieldNamed(u.Fields, name)
		key, _ := record.ValueKey(f, u.Match[name])
		b.WriteString(name + "=" + key + "\x00")
	}
	return b.String()
}

// uniqueViolation tells whether err is a unique violation, and of which
// field.
func uniqueViolation(err error, table string, fields []v1alpha1.WorksheetField) (string, bool) {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != codeUniqueViolation {
		return "", false
	}
	for _, f := range fields {
		if pgErr.ConstraintName == IndexName(table, f.Name, true) {
			return f.Name, true
		}
	}
	return uniqueFieldName(fields), true
}

// uniqueFieldName is the name of the unique field, "record" without one.
func uniqueFieldName(fields []v1alpha1.WorksheetField) string {
	for _, f := range fields {
		if f.Unique {
			return f.Name
		}
	}
	return "record"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
