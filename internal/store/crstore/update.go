package crstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

// IndexLabelPrefix starts the label of each indexed field of a record,
// whose value is the record.ValueKey of the field's value: an update that
// matches on indexed fields finds its record with a label selector.
const IndexLabelPrefix = "idx.hookflow.dev/"

// Bounds of the retries of an update that lost a race with another write
// of the same record.
const (
	maxWriteAttempts = 20
	firstRetryDelay  = 5 * time.Millisecond
	maxRetryDelay    = 200 * time.Millisecond
)

// errRetry marks an attempt that lost a race: the record changed, appeared
// or went between the read and the write.
var errRetry = errors.New("record changed concurrently")

// UpdateRecord finds the record that matches u.Match and writes the merged
// values with optimistic concurrency, retrying (a bounded number of times,
// with a short jittered backoff) when another write came first. A match on
// the unique field is a GET of the record named after its value; a match on
// indexed fields is a LIST by their labels, limited to two items. The
// provenance (status.updatedBy, updatedAt) is written in the same UPDATE as
// the values. An upsert that finds nothing creates u.Create; two concurrent
// upserts of one unique value race for the record's name, and the loser
// updates the winner's record: they end as one record.
//
// API calls: update by the unique field, 1 GET + 1 UPDATE; by indexed
// fields, 1 LIST + 1 UPDATE; upsert that creates, 1 GET or LIST + 1
// CREATE; each lost race, one more of each.
func (s *Records) UpdateRecord(ctx context.Context, u store.Update) (store.Updated, error) {
	delay := firstRetryDelay
	for attempt := 1; ; attempt++ {
		res, err := s.updateOnce(ctx, u)
		if !errors.Is(err, errRetry) {
			return res, err
		}
		if attempt == maxWriteAttempts {
			return store.Updated{}, fmt.Errorf("update record: %w: gave up after %d concurrent writes", store.ErrUnavailable, attempt)
		}
		// Full jitter: concurrent writers spread out instead of colliding again.
		t := time.NewTimer(rand.N(delay) + time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return store.Updated{}, classify("update record", ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

func (s *Records) updateOnce(ctx context.Context, u store.Update) (store.Updated, error) {
	obj, err := s.find(ctx, u)
	switch {
	case err != nil:
		return store.Updated{}, err
	case obj != nil:
		return s.update(ctx, u, obj)
	case !u.Upsert:
		return store.Updated{}, store.ErrNotFound
	}
	return s.createFor(ctx, u)
}

// find returns the record that matches u, or nil when none does.
func (s *Records) find(ctx context.Context, u store.Update) (*v1alpha1.WorksheetRecord, error) {
	keys, err := matchKeys(u)
	if err != nil {
		return nil, err
	}
	for _, f := range u.Fields {
		if f.Unique && keys[f.Name] != "" {
			return s.findByName(ctx, u, f.Name, keys)
		}
	}
	return s.findByLabels(ctx, u, keys)
}

// findByName GETs the record named after the matched unique value.
func (s *Records) findByName(ctx context.Context, u store.Update, uniqueField string, keys map[string]string) (*v1alpha1.WorksheetRecord, error) {
	name := Name(store.Record{Worksheet: u.Worksheet, UniqueKey: keys[uniqueField]})
	obj := &v1alpha1.WorksheetRecord{}
	err := s.Client.Get(ctx, client.ObjectKey{Namespace: u.Namespace, Name: name}, obj)
	switch {
	case apierrors.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, classify("get record", err)
	case obj.Spec.Worksheet != u.Worksheet:
		return nil, nil
	}
	ok, err := matches(u.Fields, obj, keys)
	switch {
	case err != nil:
		return nil, err
	case ok:
		return obj, nil
	case u.Upsert:
		// The unique value is taken by a record that the rest of the match
		// does not fit: an upsert cannot create a second one.
		return nil, fmt.Errorf("%s: %w", uniqueField, store.ErrDuplicate)
	}
	return nil, nil
}

// findByLabels LISTs the records of the Worksheet whose index labels hold
// the matched keys, two at most per page: finding a second is enough to
// refuse the update.
func (s *Records) findByLabels(ctx context.Context, u store.Update, keys map[string]string) (*v1alpha1.WorksheetRecord, error) {
	selector := client.MatchingLabels{v1alpha1.WorksheetLabel: u.Worksheet}
	for field, key := range keys {
		selector[IndexLabel(field)] = key
	}
	var found []v1alpha1.WorksheetRecord
	page := ""
	for {
		var list v1alpha1.WorksheetRecordList
		if err := s.Client.List(ctx, &list, client.InNamespace(u.Namespace), selector, client.Limit(2), client.Continue(page)); err != nil {
			return nil, classify("list records", err)
		}
		for i := range list.Items {
			// Labels hold hashes: compare the values themselves.
			ok, err := matches(u.Fields, &list.Items[i], keys)
			if err != nil {
				return nil, err
			}
			if ok {
				found = append(found, list.Items[i])
			}
		}
		if len(found) > 1 {
			return nil, store.ErrAmbiguous
		}
		if page = list.Continue; page == "" {
			break
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	return &found[0], nil
}

// update writes the merged values and the provenance to obj in one UPDATE
// conditioned on the resourceVersion read.
func (s *Records) update(ctx context.Context, u store.Update, obj *v1alpha1.WorksheetRecord) (store.Updated, error) {
	existing, err := decodeValues(u.Fields, obj.Spec.Values)
	if err != nil {
		return store.Updated{}, fmt.Errorf("record %s: %w", obj.Name, err)
	}
	merged, err := record.Apply(u.Fields, existing, u.Values)
	if err != nil {
		return store.Updated{}, err
	}
	res := store.Updated{
		ID: obj.Name,
		// An earlier attempt of this step may have created it.
		Created: u.WriteKey != "" && obj.Annotations[WriteKeyAnnotation] == u.WriteKey,
		Values:  merged,
	}
	values, err := encodeValues(merged)
	if err != nil {
		return store.Updated{}, err
	}
	if sameValues(values, obj.Spec.Values) && obj.Status.UpdatedBy != nil && *obj.Status.UpdatedBy == u.UpdatedBy {
		return res, nil // this run step wrote them already: a retry
	}
	if name := movedName(u, obj.Name, existing, merged); name != obj.Name {
		return s.move(ctx, u, obj, name, values, merged, res)
	}
	now := metav1.NewTime(s.now())
	obj.Spec.Values = values
	setIndexLabels(obj, record.IndexKeys(u.Fields, merged))
	// Without a status subresource, the write bumps the generation once.
	obj.Status.ObservedGeneration = obj.Generation + 1
	obj.Status.UpdatedBy = ptr.To(u.UpdatedBy)
	obj.Status.UpdatedAt = &now
	for i := range obj.Status.Conditions {
		obj.Status.Conditions[i].ObservedGeneration = obj.Status.ObservedGeneration
	}
	err = s.Client.Update(ctx, obj)
	switch {
	case apierrors.IsConflict(err), apierrors.IsNotFound(err):
		return store.Updated{}, errRetry
	case err != nil:
		return store.Updated{}, classify("update record", err)
	}
	return res, nil
}

// MovedFromAnnotation names, on a record whose unique value an update
// changed, the record it replaced.
const MovedFromAnnotation = "hookflow.dev/moved-from"

// movedName returns the name the record must have once merged: a record is
// named after its unique value, so an update that changes that value moves
// the record to another name.
// It is current when the value is the same.
func movedName(u store.Update, current string, existing, merged map[string]any) string {
	_, before, _ := record.UniqueKey(u.Fields, existing)
	_, after, _ := record.UniqueKey(u.Fields, merged)
	if before == after {
		return current
	}
	return Name(store.Record{Worksheet: u.Worksheet, UniqueKey: after, WriteKey: u.WriteKey})
}

// move writes the record under its new name, which the API server refuses
// when another record holds the new unique value (store.ErrDuplicate),
// then deletes the old object (UID precondition). A retry of the same
// update finds its new object and finishes the delete. API calls: 1 CREATE
// + 1 DELETE, only when an update changes the unique value.
func (s *Records) move(ctx context.Context, u store.Update, obj *v1alpha1.WorksheetRecord, name string,
	values map[string]apiextensionsv1.JSON, merged map[string]any, res store.Updated) (store.Updated, error) {
	now := metav1.NewTime(s.now())
	moved := &v1alpha1.WorksheetRecord{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       obj.Namespace,
			Name:            name,
			Labels:          obj.Labels,
			Annotations:     map[string]string{WriteKeyAnnotation: obj.Annotations[WriteKeyAnnotation], MovedFromAnnotation: obj.Name},
			OwnerReferences: obj.OwnerReferences,
		},
		Spec:   v1alpha1.WorksheetRecordSpec{Worksheet: obj.Spec.Worksheet, Values: values},
		Status: *obj.Status.DeepCopy(),
	}
	setIndexLabels(moved, record.IndexKeys(u.Fields, merged))
	moved.Status.ObservedGeneration = 1
	for i := range moved.Status.Conditions {
		moved.Status.Conditions[i].ObservedGeneration = 1
	}
	moved.Status.UpdatedBy = ptr.To(u.UpdatedBy)
	moved.Status.UpdatedAt = &now
	err := s.Client.Create(ctx, moved)
	if apierrors.IsAlreadyExists(err) {
		have := &v1alpha1.WorksheetRecord{}
		if err := s.Client.Get(ctx, client.ObjectKey{Namespace: obj.Namespace, Name: name}, have); err != nil {
			return store.Updated{}, classify("get record", err)
		}
		if have.Annotations[MovedFromAnnotation] != obj.Name || have.Status.UpdatedBy == nil || *have.Status.UpdatedBy != u.UpdatedBy {
			uniqueField, _, _ := record.UniqueKey(u.Fields, merged)
			return store.Updated{}, fmt.Errorf("%s: %w", uniqueField, store.ErrDuplicate)
		}
		err = nil // an earlier attempt of this update moved it
	}
	if err != nil {
		return store.Updated{}, classify("create record", err)
	}
	err = s.Client.Delete(ctx, obj, client.Preconditions{UID: ptr.To(obj.UID)})
	if err != nil && !apierrors.IsNotFound(err) {
		return store.Updated{}, classify("delete moved record", err)
	}
	res.ID = name
	return res, nil
}

// createFor creates the record of an upsert that matched none.
func (s *Records) createFor(ctx context.Context, u store.Update) (store.Updated, error) {
	r := u.Create
	values, err := record.Normalize(u.Fields, r.Values)
	if err != nil {
		return store.Updated{}, err
	}
	r.Values = values
	r.UniqueField, r.UniqueKey, _ = record.UniqueKey(u.Fields, values)
	r.IndexKeys = record.IndexKeys(u.Fields, values)
	obj, err := Object(r, metav1.NewTime(s.now()))
	if err != nil {
		return store.Updated{}, err
	}
	err = s.Client.Create(ctx, obj)
	switch {
	case apierrors.IsAlreadyExists(err):
		// Another upsert of the same unique value, or an earlier attempt
		// of this one, came first: update that record instead.
		return store.Updated{}, errRetry
	case err != nil:
		return store.Updated{}, classify("create record", err)
	}
	return store.Updated{ID: obj.Name, Created: true, Values: values}, nil
}

// IndexLabel is the label key of an indexed field. Field names match
// ^[a-z][a-z0-9_]*$ and are at most 63 characters, as is a label name; a
// label name must end with a letter or digit, so a trailing "_" is written
// "X" (field names have no capitals, so no two fields share a label).
func IndexLabel(field string) string {
	if strings.HasSuffix(field, "_") {
		field = strings.TrimSuffix(field, "_") + "X"
	}
	return IndexLabelPrefix + field
}

// setIndexLabels replaces the index labels of obj by those of keys.
func setIndexLabels(obj *v1alpha1.WorksheetRecord, keys map[string]string) {
	for k := range obj.Labels {
		if strings.HasPrefix(k, IndexLabelPrefix) {
			delete(obj.Labels, k)
		}
	}
	if len(keys) > 0 && obj.Labels == nil {
		obj.Labels = make(map[string]string, len(keys))
	}
	for field, key := range keys {
		obj.Labels[IndexLabel(field)] = key
	}
}

// matchKeys returns the ValueKey of each matched value.
func matchKeys(u store.Update) (map[string]string, error) {
	keys := make(map[string]string, len(u.Match))
	for name, v := range u.Match {
		f, ok := fieldNamed(u.Fields, name)
		if !ok || (!f.Unique && !f.Indexed) {
			return nil, fmt.Errorf("match on field %s: it is neither the unique field nor indexed", name)
		}
		key, ok := record.ValueKey(f, v)
		if !ok {
			return nil, fmt.Errorf("match on field %s: no valid value", name)
		}
		keys[name] = key
	}
	return keys, nil
}

// matches tells whether the stored values of obj have the keys of a match.
func matches(fields []v1alpha1.WorksheetField, obj *v1alpha1.WorksheetRecord, keys map[string]string) (bool, error) {
	for name, want := range keys {
		raw, ok := obj.Spec.Values[name]
		if !ok {
			return false, nil
		}
		f, _ := fieldNamed(fields, name)
		v, err := decodeValue(f, raw)
		if err != nil {
			return false, fmt.Errorf("record %s: field %s: %w", obj.Name, name, err)
		}
		if got, _ := record.ValueKey(f, v); got != want {
			return false, nil
		}
	}
	return true, nil
}

// decodeValues decodes the stored values of a record: JSON fields keep
// their numbers exact (json.Number), the others decode as package record
// normalizes them. Keys that are no longer fields are kept, for
// record.Apply to report.
func decodeValues(fields []v1alpha1.WorksheetField, raw map[string]apiextensionsv1.JSON) (map[string]any, error) {
	out := make(map[string]any, len(raw))
	for name, r := range raw {
		f, _ := fieldNamed(fields, name)
		v, err := decodeValue(f, r)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

func decodeValue(f v1alpha1.WorksheetField, raw apiextensionsv1.JSON) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw.Raw))
	if f.Type == v1alpha1.FieldJSON {
		dec.UseNumber()
	}
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode stored value: %w", err)
	}
	return v, nil
}

func encodeValues(values map[string]any) (map[string]apiextensionsv1.JSON, error) {
	out := make(map[string]apiextensionsv1.JSON, len(values))
	for k, v := range values {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode field %s: %w", k, err)
		}
		out[k] = apiextensionsv1.JSON{Raw: raw}
	}
	return out, nil
}

// sameValues compares encoded values, ignoring the spacing of the JSON.
func sameValues(a, b map[string]apiextensionsv1.JSON) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		other, ok := b[k]
		if !ok {
			return false
		}
		var x, y bytes.Buffer
		if json.Compact(&x, a[k].Raw) != nil || json.Compact(&y, other.Raw) != nil || !bytes.Equal(x.Bytes(), y.Bytes()) {
			return false
		}
	}
	return true
}

func fieldNamed(fields []v1alpha1.WorksheetField, name string) (v1alpha1.WorksheetField, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return v1alpha1.WorksheetField{}, false
}
