package storetest_test

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store/storetest"
)

// flawEnv names the flaw of the store that TestSuiteOnMemoryStore runs on,
// in the child process of TestSuiteFailsFlawedStores.
const flawEnv = "STORETEST_FLAW"

func TestSuiteOnMemoryStore(t *testing.T) {
	f := flaw(os.Getenv(flawEnv))
	storetest.Run(t, storetest.Harness{
		NewSheet: func(t *testing.T, fields []v1alpha1.WorksheetField) storetest.Sheet {
			return memSheet(&memRecords{fields: fields, flaw: f, records: map[string]*memRecord{}}, fields)
		},
		DownSheet: func(t *testing.T, fields []v1alpha1.WorksheetField) (storetest.Sheet, string) {
			const password = "s3cret-in-memory"
			return memSheet(&memRecords{fields: fields, flaw: f, password: password}, fields), password
		},
	})
}

func memSheet(m *memRecords, fields []v1alpha1.WorksheetField) storetest.Sheet {
	return storetest.Sheet{
		Store: m, Namespace: "mem", Name: "orders", UID: "uid-1", Fields: fields,
		Count: func(*testing.T) int {
			m.mu.Lock()
			defer m.mu.Unlock()
			return len(m.records)
		},
		Values: func(t *testing.T, id string) map[string]any {
			m.mu.Lock()
			defer m.mu.Unlock()
			rec, ok := m.records[id]
			if !ok {
				t.Fatalf("no record %s", id)
			}
			return rec.values
		},
		Version: func(t *testing.T, id string) string {
			m.mu.Lock()
			defer m.mu.Unlock()
			rec, ok := m.records[id]
			if !ok {
				t.Fatalf("no record %s", id)
			}
			return strconv.Itoa(rec.version)
		},
	}
}

// TestSuiteFailsFlawedStores runs the suite on stores that each break one
// rule, in a child process (which runs TestSuiteOnMemoryStore only), and
// expects the case of that rule to fail.
func TestSuiteFailsFlawedStores(t *testing.T) {
	for f, failing := range map[flaw]string{
		rewritesOnRetry:     "UpdateRetriedWithOneWriteKeyWritesOnce",
		ignoresUniqueValues: "CreateOfATakenUniqueValueIsDuplicate",
		takesTheFirstMatch:  "UpdateMatchingTwoRecordsIsAmbiguous",
		leaksThePassword:    "UnreachableBackendIsUnavailable",
	} {
		t.Run(string(f), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSuiteOnMemoryStore$", "-test.v")
			cmd.Env = append(os.Environ(), flawEnv+"="+string(f))
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store that %s", f)
			}
			if !strings.Contains(string(out), "--- FAIL: TestSuiteOnMemoryStore/"+failing+" ") {
				t.Errorf("a store that %s did not fail %s:\n%s", f, failing, out)
			}
		})
	}
}
