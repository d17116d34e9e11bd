// Package crstore keeps records as WorksheetRecord custom resources.
package crstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
)

// WriteKeyAnnotation holds the write key of the run step that created a
// record, so that a retried write recognises its own record.
const WriteKeyAnnotation = "hookflow.dev/write-key"

// Records is a store.RecordStore on WorksheetRecords.
type Records struct {
	// Client must write to the API server directly (not through a cache).
	Client client.Client
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

var _ store.RecordStore = (*Records)(nil)

// CreateRecord creates a WorksheetRecord with its values and its provenance
// in one API call: WorksheetRecords have no status subresource, so nothing
// is ever half-written, and a create that failed after reaching the API
// server is recognised on retry by its write key. The record of a
// Worksheet with a unique field is named after the value of that field, so
// the API server refuses a second one atomically, whatever the number of
// server replicas.
func (s *Records) CreateRecord(ctx context.Context, r store.Record) (string, error) {
	obj, err := Object(r, metav1.NewTime(s.now()))
	if err != nil {
		return "", err
	}
	err = s.Client.Create(ctx, obj)
	if apierrors.IsAlreadyExists(err) {
		obj, err = s.existing(ctx, r, obj.Name)
	}
	if err != nil {
		return "", classify("create record", err)
	}
	return obj.Name, nil
}

// existing returns the record that took the name: ours, from an earlier
// attempt of the same write, or another one holding the unique value.
func (s *Records) existing(ctx context.Context, r store.Record, name string) (*v1alpha1.WorksheetRecord, error) {
	obj := &v1alpha1.WorksheetRecord{}
	if err := s.Client.Get(ctx, client.ObjectKey{Namespace: r.Namespace, Name: name}, obj); err != nil {
		return nil, err
	}
	if obj.Annotations[WriteKeyAnnotation] != r.WriteKey {
		return nil, fmt.Errorf("%s: %w", r.UniqueField, store.ErrDuplicate)
	}
	return obj, nil
}

func (s *Records) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Object is the WorksheetRecord that CreateRecord creates for r: values,
// labels (index labels included), write key, owner and provenance.
func Object(r store.Record, now metav1.Time) (*v1alpha1.WorksheetRecord, error) {
	values := make(map[string]apiextensionsv1.JSON, len(r.Values))
	for k, v := range r.Values {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode field %s: %w", k, err)
		}
		values[k] = apiextensionsv1.JSON{Raw: raw}
	}
	obj := &v1alpha1.WorksheetRecord{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: r.Namespace,
			Name:      Name(r),
			Labels: map[string]string{
				v1alpha1.WorksheetLabel: r.Worksheet,
				v1alpha1.WorkflowLabel:  r.CreatedBy.Workflow,
			},
			Annotations: map[string]string{WriteKeyAnnotation: r.WriteKey},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: v1alpha1.GroupVersion.String(),
				Kind:       "Worksheet",
				Name:       r.Worksheet,
				UID:        r.WorksheetUID,
				Controller: ptr.To(true),
			}},
		},
		Spec: v1alpha1.WorksheetRecordSpec{Worksheet: r.Worksheet, Values: values},
		Status: v1alpha1.WorksheetRecordStatus{
			// A created object is at generation 1.
			ObservedGeneration: 1,
			CreatedBy:          ptr.To(r.CreatedBy),
			CreatedAt:          &now,
			Conditions: []metav1.Condition{{
				Type:               v1alpha1.ReadyCondition,
				Status:             metav1.ConditionTrue,
				ObservedGeneration: 1,
				LastTransitionTime: now,
				Reason:             "Stored",
				Message:            "Record stored by run " + r.CreatedBy.Run,
			}},
		},
	}
	setIndexLabels(obj, r.IndexKeys)
	return obj, nil
}

// Name is the object name of a record: the Worksheet's name and a hash of
// the unique value when there is one, else of the write key.
func Name(r store.Record) string {
	key := "w:" + r.WriteKey
	if r.UniqueKey != "" {
		key = "u:" + r.UniqueKey
	}
	sum := sha256.Sum256([]byte(key))
	return r.Worksheet + "-" + hex.EncodeToString(sum[:])[:16]
}
