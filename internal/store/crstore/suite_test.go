package crstore_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/store/crstore"
	"github.com/hookflow/hookflow/internal/store/storetest"
	"github.com/hookflow/hookflow/internal/testenv"
)

func TestStoreSuite(t *testing.T) {
	storetest.Run(t, storetest.Harness{NewSheet: newSuiteSheet, DownSheet: downSuiteSheet})
}

// newSuiteSheet creates a Worksheet with fields in a namespace of its own.
func newSuiteSheet(t *testing.T, fields []v1alpha1.WorksheetField) storetest.Sheet {
	t.Helper()
	ws := &v1alpha1.Worksheet{
		ObjectMeta: metav1.ObjectMeta{Namespace: testenv.NewNamespace(t, k8s, "suite"), Name: "orders"},
		Spec:       v1alpha1.WorksheetSpec{Fields: fields},
	}
	testenv.Create(t, k8s, ws)
	return storetest.Sheet{
		Store:     &crstore.Records{Client: k8s},
		Namespace: ws.Namespace,
		Name:      ws.Name,
		UID:       ws.UID,
		Fields:    fields,
		Count: func(t *testing.T) int {
			t.Helper()
			var list v1alpha1.WorksheetRecordList
			if err := k8s.List(t.Context(), &list, client.InNamespace(ws.Namespace), client.MatchingLabels{v1alpha1.WorksheetLabel: ws.Name}); err != nil {
				t.Fatal(err)
			}
			return len(list.Items)
		},
		Values: func(t *testing.T, id string) map[string]any {
			t.Helper()
			values := map[string]any{}
			for k, raw := range getRecord(t, ws.Namespace, id).Spec.Values {
				dec := json.NewDecoder(bytes.NewReader(raw.Raw))
				dec.UseNumber()
				var v any
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("record %s: field %s: %v", id, k, err)
				}
				values[k] = v
			}
			return values
		},
		Version: func(t *testing.T, id string) string {
			t.Helper()
			return getRecord(t, ws.Namespace, id).ResourceVersion
		},
	}
}

// downSuiteSheet is a Worksheet whose store's client talks to a loopback
// port nobody listens on, with a password for basic authentication.
func downSuiteSheet(t *testing.T, fields []v1alpha1.WorksheetField) (storetest.Sheet, string) {
	t.Helper()
	const password = "s3cret-api-password"
	down, err := client.New(&rest.Config{
		Host:     "http://" + testenv.FreeAddress(t),
		Username: "hookflow",
		Password: password,
		Timeout:  5 * time.Second,
	}, client.Options{Scheme: scheme.New()})
	if err != nil {
		t.Fatal(err)
	}
	return storetest.Sheet{
		Store:     &crstore.Records{Client: down},
		Namespace: "down",
		Name:      "orders",
		UID:       "00000000-0000-0000-0000-000000000000",
		Fields:    fields,
	}, password
}

func getRecord(t *testing.T, ns, id string) *v1alpha1.WorksheetRecord {
	t.Helper()
	obj := &v1alpha1.WorksheetRecord{}
	if err := k8s.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: id}, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}
