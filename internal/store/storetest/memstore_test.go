package storetest_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// memRecords is a store.RecordStore in memory for one Worksheet: the
// reference the suite is checked against, and, with a flaw, the store it
// must fail.
type memRecords struct {
	fields   []v1alpha1.WorksheetField
	flaw     flaw
	password string // of a store whose backend is down; "" when up

	mu      sync.Mutex
	records map[string]*memRecord
	nextID  int
}

// flaw is a rule a broken memRecords does not keep.
type flaw string

const (
	flawless            flaw = ""
	rewritesOnRetry     flaw = "rewrites on retry"
	ignoresUniqueValues flaw = "ignores unique values"
	takesTheFirstMatch  flaw = "takes the first match"
	leaksThePassword    flaw = "leaks the password"
)

type memRecord struct {
	values    map[string]any
	createdBy string // write key
	updatedBy string // write key
	version   int
}

var _ store.RecordStore = (*memRecords)(nil)

func (m *memRecords) CreateRecord(ctx context.Context, r store.Record) (string, error) {
	if err := m.check(ctx); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, rec := range m.records {
		if rec.createdBy == r.WriteKey {
			return id, nil
		}
	}
	return m.insert(r)
}

func (m *memRecords) UpdateRecord(ctx context.Context, u store.Update) (store.Updated, error) {
	if err := m.check(ctx); err != nil {
		return store.Updated{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ids, err := m.matching(u)
	switch {
	case err != nil:
		return store.Updated{}, err
	case len(ids) > 1 && m.flaw != takesTheFirstMatch:
		return store.Updated{}, store.ErrAmbiguous
	case len(ids) == 0 && !u.Upsert:
		return store.Updated{}, store.ErrNotFound
	case len(ids) == 0:
		return m.createFor(u)
	}
	id := ids[0]
	rec := m.records[id]
	merged, err := record.Apply(u.Fields, rec.values, u.Values)
	if err != nil {
		return store.Updated{}, err
	}
	res := store.Updated{ID: id, Created: rec.createdBy == u.WriteKey, Values: merged}
	if rec.updatedBy == u.WriteKey && reflect.DeepEqual(merged, rec.values) && m.flaw != rewritesOnRetry {
		return res, nil
	}
	if _, key, ok := record.UniqueKey(u.Fields, merged); ok && m.holder(u.Fields, key, id) != "" {
		return store.Updated{}, store.ErrDuplicate
	}
	rec.values, rec.updatedBy = merged, u.WriteKey
	rec.version++
	return res, nil
}

func (m *memRecords) check(ctx context.Context) error {
	if m.password != "" {
		if m.flaw == leaksThePassword {
			return fmt.Errorf("connect with password %s: %w", m.password, store.ErrUnavailable)
		}
		return fmt.Errorf("connect: %w", store.ErrUnavailable)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return nil
}

// matching returns the ids of the records that match u, sorted. An upsert
// whose unique value is held by a record that does not match is a
// duplicate.
func (m *memRecords) matching(u store.Update) ([]string, error) {
	var ids []string
	for id := range m.records {
		if m.matches(u, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 && u.Upsert {
		if _, key, ok := record.UniqueKey(u.Fields, u.Match); ok && m.holder(u.Fields, key, "") != "" {
			return nil, store.ErrDuplicate
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func (m *memRecords) matches(u store.Update, id string) bool {
	for name, want := range u.Match {
		f := field(u.Fields, name)
		a, _ := record.ValueKey(f, want)
		b, ok := record.ValueKey(f, m.records[id].values[name])
		if !ok || a != b {
			return false
		}
	}
	return true
}

// holder returns the record other than except that holds the unique key.
func (m *memRecords) holder(fields []v1alpha1.WorksheetField, key, except string) string {
	if m.flaw == ignoresUniqueValues {
		return ""
	}
	for id, rec := range m.records {
		if _, k, ok := record.UniqueKey(fields, rec.values); ok && k == key && id != except {
			return id
		}
	}
	return ""
}

func (m *memRecords) createFor(u store.Update) (store.Updated, error) {
	values, err := record.Normalize(u.Fields, u.Create.Values)
	if err != nil {
		return store.Updated{}, err
	}
	r := u.Create
	r.Values = values
	r.UniqueField, r.UniqueKey, _ = record.UniqueKey(u.Fields, values)
	id, err := m.insert(r)
	if err != nil {
		return store.Updated{}, err
	}
	return store.Updated{ID: id, Created: true, Values: values}, nil
}

func (m *memRecords) insert(r store.Record) (string, error) {
	if r.UniqueKey != "" && m.holder(m.fields, r.UniqueKey, "") != "" {
		return "", fmt.Errorf("%s: %w", r.UniqueField, store.ErrDuplicate)
	}
	m.nextID++
	id := "r" + strconv.Itoa(m.nextID)
	m.records[id] = &memRecord{values: maps.Clone(r.Values), createdBy: r.WriteKey, version: 1}
	return id, nil
}

func field(fields []v1alpha1.WorksheetField, name string) v1alpha1.WorksheetField {
	for _, f := range fields {
		if f.Name == name {
			return f
		}
	}
	return v1alpha1.WorksheetField{}
}
