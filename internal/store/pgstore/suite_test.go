package pgstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/storetest"
)

// suitePassword is the password of the suite's unreachable server.
const suitePassword = "s3cret-suite-password"

func TestStoreSuite(t *testing.T) {
	storetest.Run(t, storetest.Harness{NewSheet: newSuiteSheet, DownSheet: downSuiteSheet})
}

// newSuiteSheet migrates a table of its own for fields, on the package's
// cluster, and reads it with SQL of its own.
func newSuiteSheet(t *testing.T, fields []v1alpha1.WorksheetField) storetest.Sheet {
	t.Helper()
	table := migratedTable(t, fields)
	namespace := strings.ReplaceAll(table.Name, "_", "-")
	from := " FROM " + quote(table.Name) + " WHERE " + quote(colID) + " = $1"
	return storetest.Sheet{
		Store:     newRecords(t, Options{}),
		Namespace: namespace,
		Name:      "orders",
		UID:       types.UID("uid-" + namespace),
		Fields:    fields,
		Table:     table,
		Count:     func(t *testing.T) int { t.Helper(); return countRows(t, table.Name) },
		Values: func(t *testing.T, id string) map[string]any {
			t.Helper()
			var row []byte
			if err := testPool(t).QueryRow(t.Context(), "SELECT to_jsonb(r)"+strings.Replace(from, " WHERE", " r WHERE", 1), id).Scan(&row); err != nil {
				t.Fatalf("read record %s: %v", id, err)
			}
			return fieldValues(t, row)
		},
		Version: func(t *testing.T, id string) string {
			t.Helper()
			var version string
			if err := testPool(t).QueryRow(t.Context(), "SELECT xmin::text"+from, id).Scan(&version); err != nil {
				t.Fatalf("read the version of record %s: %v", id, err)
			}
			return version
		},
	}
}

// fieldValues decodes a row as JSON, numbers as json.Number, leaving out
// the system columns and the NULL fields.
func fieldValues(t *testing.T, row []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(row))
	dec.UseNumber()
	var columns map[string]any
	if err := dec.Decode(&columns); err != nil {
		t.Fatalf("decode row: %v", err)
	}
	values := map[string]any{}
	for name, v := range columns {
		if !strings.HasPrefix(name, "_") && v != nil {
			values[name] = v
		}
	}
	return values
}

// downSuiteSheet is a Worksheet whose connection string, with a password,
// names a loopback port nobody listens on.
func downSuiteSheet(t *testing.T, fields []v1alpha1.WorksheetField) (storetest.Sheet, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	connection := fmt.Sprintf("postgres://hookflow:%s@127.0.0.1:%d/hookflow?sslmode=disable&connect_timeout=2", suitePassword, port)
	down := NewPools(PoolOptions{})
	t.Cleanup(down.Close)
	s := NewRecords(down, Options{})
	t.Cleanup(s.Close)
	return storetest.Sheet{
		Store:     s,
		Namespace: "down",
		Name:      "orders",
		UID:       "uid-down",
		Fields:    fields,
		Table:     &store.Table{Connection: connection, Name: "ws_down__orders", Fields: fields},
	}, suitePassword
}
