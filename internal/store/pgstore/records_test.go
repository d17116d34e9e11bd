package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/record"
	"github.com/hookflow/hookflow/internal/store"
)

var allTypesFields = []v1alpha1.WorksheetField{
	{Name: "text", Type: v1alpha1.FieldText},
	{Name: "number", Type: v1alpha1.FieldNumber},
	{Name: "big", Type: v1alpha1.FieldNumber},
	{Name: "paid", Type: v1alpha1.FieldBoolean},
	{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid"}},
	{Name: "placed_at", Type: v1alpha1.FieldDateTime},
	{Name: "email", Type: v1alpha1.FieldEmail},
	{Name: "raw", Type: v1alpha1.FieldJSON},
	{Name: "empty", Type: v1alpha1.FieldText},
}

func TestCreateRecordRoundTripsEveryType(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, allTypesFields)
	input := map[string]any{
		"text":      "Ada \"Lovelace\" ✓",
		"number":    0.1,
		"big":       int64(9007199254740992),
		"paid":      "true",
		"status":    "paid",
		"placed_at": "2024-05-01T12:00:00.123456+02:00",
		"email":     " ada@example.com ",
		"raw":       map[string]any{"n": json.Number("12345678901234567890.5"), "list": []any{1, "two", nil, true}},
	}
	normalized, err := record.Normalize(allTypesFields, input)
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	r := store.Record{Namespace: "shop", Worksheet: "all", Values: normalized, WriteKey: "run-1/save",
		CreatedBy: v1alpha1.RunReference{Workflow: "wf", Run: "run-1"}, Table: table}
	id, err := newRecords(t, Options{}).CreateRecord(ctx, r)
	if err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}

	var (
		text, status, email, createdBy string
		number, big                    float64
		paid                           bool
		placedAt                       time.Time
		raw                            []byte
		empty                          *string
	)
	err = testPool(t).QueryRow(ctx, `SELECT text, number, big, paid, status, placed_at, email, raw, empty, _created_by_run
		FROM `+quote(table.Name)+` WHERE _id = $1`, id).
		Scan(&text, &number, &big, &paid, &status, &placedAt, &email, &raw, &empty, &createdBy)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if text != normalized["text"] || status != "paid" || email != "ada@example.com" || !paid || empty != nil || createdBy != "run-1" {
		t.Errorf("read back text=%q status=%q email=%q paid=%v empty=%v createdBy=%q; want %q, paid, ada@example.com, true, NULL, run-1",
			text, status, email, paid, empty, createdBy, normalized["text"])
	}
	if math.Float64bits(number) != math.Float64bits(normalized["number"].(float64)) || big != 9007199254740992 {
		t.Errorf("numbers read back %v, %v; want exactly %v, 2^53", number, big, normalized["number"])
	}
	if got := placedAt.UTC().Format(time.RFC3339Nano); got != normalized["placed_at"] {
		t.Errorf("placed_at read back %s, want %s", got, normalized["placed_at"])
	}
	var gotRaw, wantRaw any
	wantJSON, _ := json.Marshal(normalized["raw"])
	if json.Unmarshal(raw, &gotRaw) != nil || json.Unmarshal(wantJSON, &wantRaw) != nil || !reflect.DeepEqual(gotRaw, wantRaw) {
		t.Errorf("raw read back %s, want %s", raw, wantJSON)
	}
	if !strings.Contains(string(raw), "12345678901234567890.5") {
		t.Errorf("raw read back %s: the big number lost digits", raw)
	}

	// The store reads the record back in the normalized form.
	res, err := newRecords(t, Options{}).UpdateRecord(ctx, store.Update{Namespace: "shop", Worksheet: "all",
		Fields: allTypesFields, Match: map[string]any{}, Values: map[string]any{}, WriteKey: "run-2/pay", Table: table})
	if err != nil {
		t.Fatalf("UpdateRecord: %v", err)
	}
	wantValues := map[string]any{}
	for k, v := range normalized {
		wantValues[k] = v
	}
	wantValues["raw"] = map[string]any{"n": json.Number("12345678901234567890.5"), "list": []any{json.Number("1"), "two", nil, true}}
	if !reflect.DeepEqual(res.Values, wantValues) {
		t.Errorf("values read back by the store:\n%#v\nwant\n%#v", res.Values, wantValues)
	}
}

func TestDateTimeIsKeptToTheMicrosecond(t *testing.T) {
	ctx := testContext(t)
	fields := []v1alpha1.WorksheetField{{Name: "at", Type: v1alpha1.FieldDateTime, Unique: true}}
	table := migratedTable(t, fields)
	s := newRecords(t, Options{})
	r := store.Record{Namespace: "shop", Worksheet: "times", Values: map[string]any{"at": "2024-05-01T10:00:00.123456789Z"}, WriteKey: "run-1/save", Table: table}
	if _, err := s.CreateRecord(ctx, r); err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	res, err := s.UpdateRecord(ctx, store.Update{Namespace: "shop", Worksheet: "times", Fields: fields,
		Match: map[string]any{"at": "2024-05-01T10:00:00.123456999Z"}, WriteKey: "run-2/touch", Table: table})
	if err != nil {
		t.Fatalf("UpdateRecord matching on the date-time: %v", err)
	}
	if got := res.Values["at"]; got != "2024-05-01T10:00:00.123456Z" {
		t.Errorf("date-time read back %v, want 2024-05-01T10:00:00.123456Z", got)
	}
}

func TestConcurrentCreatesAreCommittedTogether(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	const creates = 300
	var wg sync.WaitGroup
	errs := make(chan error, creates)
	for i := range creates {
		wg.Go(func() {
			if _, err := s.CreateRecord(ctx, order(table, fmt.Sprintf("A-%d", i), fmt.Sprintf("run-%d", i))); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("CreateRecord: %v", err)
	}
	if n := countRows(t, table.Name); n != creates {
		t.Errorf("rows = %d, want %d", n, creates)
	}
	stats := s.CommitStats()
	t.Logf("%d creates in %d transactions", stats.Records, stats.Batches)
	if stats.Records != creates || stats.Batches >= creates/2 {
		t.Errorf("commit stats %+v: want %d records in fewer than %d transactions", stats, creates, creates/2)
	}
}

func TestRetriedCreateWritesOneRecord(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	first, err := s.CreateRecord(ctx, order(table, "A-1", "run-1"))
	if err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	again, err := s.CreateRecord(ctx, order(table, "A-1", "run-1"))
	if err != nil || again != first {
		t.Errorf("retried CreateRecord = %q, %v; want %q, nil", again, err, first)
	}
	if n := countRows(t, table.Name); n != 1 {
		t.Errorf("rows = %d, want 1", n)
	}
}

func TestConcurrentRetriesWriteOneRecord(t *testing.T) {
	ctx := testContext(t)
	fields := []v1alpha1.WorksheetField{{Name: "note", Type: v1alpha1.FieldText}} // no unique field
	table := migratedTable(t, fields)
	s := newRecords(t, Options{})
	ids := make([]string, 10)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			r := store.Record{Namespace: "shop", Worksheet: "notes", Values: map[string]any{"note": "hi"}, WriteKey: "run-1/save", Table: table}
			id, err := s.CreateRecord(ctx, r)
			if err != nil {
				t.Errorf("CreateRecord: %v", err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Errorf("ids of one write differ: %q", ids)
			break
		}
	}
	if n := countRows(t, table.Name); n != 1 {
		t.Errorf("rows = %d, want 1", n)
	}
}

func TestDuplicateUniqueValue(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	if _, err := s.CreateRecord(ctx, order(table, "A-1", "run-1")); err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	_, err := s.CreateRecord(ctx, order(table, "A-1", "run-2"))
	if !errors.Is(err, store.ErrDuplicate) || !strings.HasPrefix(err.Error(), "order_id: ") {
		t.Errorf("second record with order_id A-1: %v, want ErrDuplicate naming order_id", err)
	}
	if n := countRows(t, table.Name); n != 1 {
		t.Errorf("rows = %d, want 1", n)
	}
}

func TestTextWithNULIsAValidationError(t *testing.T) {
	table := migratedTable(t, ordersFields)
	_, err := newRecords(t, Options{}).CreateRecord(testContext(t), order(table, "A-\x00", "run-1"))
	var verr *record.ValidationError
	if !errors.As(err, &verr) || verr.Problems[0].Field != "order_id" {
		t.Errorf("CreateRecord with a NUL character = %v, want a ValidationError on order_id", err)
	}
}

func TestMissingTableIsUnavailable(t *testing.T) {
	table := &store.Table{Connection: dsn, Name: newTableName(t), Fields: ordersFields}
	_, err := newRecords(t, Options{}).CreateRecord(testContext(t), order(table, "A-1", "run-1"))
	if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), table.Name) {
		t.Errorf("CreateRecord into a missing table = %v, want ErrUnavailable naming %s", err, table.Name)
	}
}

func TestRecordWithoutTable(t *testing.T) {
	r := order(&store.Table{Fields: ordersFields}, "A-1", "run-1")
	r.Table = nil
	if _, err := newRecords(t, Options{}).CreateRecord(testContext(t), r); !errors.Is(err, errNoTable) {
		t.Errorf("CreateRecord without a table = %v, want errNoTable", err)
	}
}

// A batch holding a record of a broken Worksheet (its table lacks a
// column) commits the others.
func TestBrokenWorksheetDoesNotFailItsBatch(t *testing.T) {
	good := migratedTable(t, ordersFields)
	broken := migratedTable(t, ordersFields[:2])
	broken.Fields = ordersFields // status and customer_email are not migrated
	s := newRecords(t, Options{})
	pool := testPool(t)
	g, err := s.committer(pool)
	if err != nil {
		t.Fatalf("committer: %v", err)
	}
	var batch []*insertRequest
	for i, table := range []*store.Table{good, broken, good} {
		r := order(table, fmt.Sprintf("A-%d", i), fmt.Sprintf("run-%d", i))
		args, err := columnArgs(table.Fields, r.Values)
		if err != nil {
			t.Fatalf("columnArgs: %v", err)
		}
		id := RecordID(r.Namespace, r.Worksheet, r.WriteKey)
		batch = append(batch, &insertRequest{
			ctx: context.Background(), table: table.Name, order: id, sql: insertSQL(table.Name, table.Fields),
			args: append([]any{id, r.WriteKey, r.WriteKey, nil, nil}, args...), answer: make(chan insertAnswer, 1),
		})
	}
	g.commit(batch)
	for i, want := range []bool{true, false, true} {
		a := <-batch[i].answer
		if (a.err == nil && a.inserted) != want {
			t.Errorf("request %d: inserted=%v err=%v, want success=%v", i, a.inserted, a.err, want)
		}
	}
	if n := countRows(t, good.Name); n != 2 {
		t.Errorf("rows of the good table = %d, want 2", n)
	}
}

const secretPassword = "s3cr3t-Pa55w0rd"

// closedPortDSN is a connection string with a password to a port where no
// server listens.
func closedPortDSN(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return fmt.Sprintf("postgres://hookflow:%s@127.0.0.1:%d/hookflow?sslmode=disable&connect_timeout=2", secretPassword, port)
}

func TestErrorsNeverHoldThePassword(t *testing.T) {
	ctx := testContext(t)
	closed := &store.Table{Connection: closedPortDSN(t), Name: "ws_x__orders", Fields: ordersFields}
	s := newRecords(t, Options{})
	_, err := s.CreateRecord(ctx, order(closed, "A-1", "run-1"))
	if !errors.Is(err, store.ErrUnavailable) || strings.Contains(err.Error(), secretPassword) {
		t.Errorf("CreateRecord to a closed port = %v, want ErrUnavailable, without the password", err)
	}
	_, err = s.UpdateRecord(ctx, store.Update{Fields: ordersFields, Match: map[string]any{"order_id": "A-1"}, Table: closed})
	if !errors.Is(err, store.ErrUnavailable) || strings.Contains(err.Error(), secretPassword) {
		t.Errorf("UpdateRecord to a closed port = %v, want ErrUnavailable, without the password", err)
	}
	for _, bad := range []string{
		"postgres://hookflow:" + secretPassword + "@127.0.0.1:notaport/db",
		"host=127.0.0.1 password=" + secretPassword + " port=x",
		"postgres://hookflow:" + secretPassword + "@[::1/db",
	} {
		badTable := &store.Table{Connection: bad, Name: "ws_x__orders", Fields: ordersFields}
		_, err := s.CreateRecord(ctx, order(badTable, "A-1", "run-1"))
		if err == nil || strings.Contains(err.Error(), secretPassword) || !errors.Is(err, errInvalidConnection) {
			t.Errorf("CreateRecord with an invalid connection string = %v, want errInvalidConnection, without the password", err)
		}
	}
}

// Stopping PostgreSQL fails writes with ErrUnavailable, before the
// caller's deadline; once it is back, writes succeed again.
func TestServerDownIsUnavailable(t *testing.T) {
	table := migratedTable(t, ordersFields)
	s := newRecords(t, Options{})
	ctx := testContext(t)
	if _, err := s.CreateRecord(ctx, order(table, "A-0", "run-0")); err != nil {
		t.Fatalf("CreateRecord: %v", err)
	}
	if err := cluster.Pause(); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	resumed := false
	defer func() {
		if !resumed {
			cluster.Resume(context.Background())
		}
	}()
	deadline, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_, err := s.CreateRecord(deadline, order(table, "A-1", "run-1"))
	if !errors.Is(err, store.ErrUnavailable) || deadline.Err() != nil {
		t.Errorf("CreateRecord while the server is down = %v (deadline: %v), want ErrUnavailable before the deadline", err, deadline.Err())
	}
	_, err = s.UpdateRecord(deadline, store.Update{Fields: ordersFields, Match: map[string]any{"order_id": "A-0"}, Values: map[string]any{"status": "paid"}, Table: table})
	if !errors.Is(err, store.ErrUnavailable) || deadline.Err() != nil {
		t.Errorf("UpdateRecord while the server is down = %v (deadline: %v), want ErrUnavailable before the deadline", err, deadline.Err())
	}
	if err := cluster.Resume(ctx); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	resumed = true
	if _, err := s.CreateRecord(ctx, order(table, "A-2", "run-2")); err != nil {
		t.Errorf("CreateRecord once the server is back: %v", err)
	}
	if _, err := s.UpdateRecord(ctx, store.Update{Fields: ordersFields, Match: map[string]any{"order_id": "A-0"}, Values: map[string]any{"status": "paid"}, WriteKey: "run-3/pay", Table: table}); err != nil {
		t.Errorf("UpdateRecord once the server is back: %v", err)
	}
}

// TestBatchedCreatesRoundTripEveryType: records inserted together, in one
// statement of text arrays cast to the columns' types, read back exactly as
// one inserted alone: numbers to the bit, date-times to the microsecond,
// JSON, booleans and NULLs.
func TestBatchedCreatesRoundTripEveryType(t *testing.T) {
	ctx := testContext(t)
	table := migratedTable(t, allTypesFields)
	// One committer that waits for more: the records share statements.
	s := newRecords(t, Options{Committers: 1, MaxWait: 50 * time.Millisecond})
	const n = 40
	want := make([]map[string]any, n)
	var wg sync.WaitGroup
	for i := range n {
		input := map[string]any{
			"text":      fmt.Sprintf("r%02d ✓ \"quoted\"", i),
			"number":    float64(i)*0.1 + 1e-17*float64(i),
			"big":       int64(9007199254740992) - int64(i),
			"paid":      i%2 == 0,
			"placed_at": fmt.Sprintf("2024-05-01T12:00:%02d.123456+02:00", i),
			"raw":       map[string]any{"i": json.Number(fmt.Sprint(i)), "s": "x,y{z}\"", "n": nil},
		}
		if i%3 == 0 {
			delete(input, "number") // NULL among values
			delete(input, "raw")
		}
		normalized, err := record.Normalize(allTypesFields, input)
		if err != nil {
			t.Fatalf("Normalize: %v", err)
		}
		want[i] = normalized
		wg.Go(func() {
			r := store.Record{Namespace: "shop", Worksheet: "all", Values: normalized, WriteKey: fmt.Sprintf("run-%d/save", i),
				CreatedBy: v1alpha1.RunReference{Workflow: "wf", Run: fmt.Sprintf("run-%d", i)}, Table: table}
			if _, err := s.CreateRecord(ctx, r); err != nil {
				t.Errorf("CreateRecord %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if st := s.CommitStats(); st.Batches >= n {
		t.Fatalf("%d transactions for %d records: nothing was batched", st.Batches, n)
	}
	rows, err := testPool(t).Query(ctx, `SELECT text, number, big, paid, placed_at, raw FROM `+quote(table.Name)+` ORDER BY text`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var (
			text     string
			number   *float64
			big      float64
			paid     bool
			placedAt time.Time
			raw      []byte
		)
		if err := rows.Scan(&text, &number, &big, &paid, &placedAt, &raw); err != nil {
			t.Fatal(err)
		}
		w := want[i]
		if text != w["text"] || big != w["big"] || paid != w["paid"] || placedAt.UTC().Format(time.RFC3339Nano) != w["placed_at"] {
			t.Errorf("row %d = %q %v %v %s, want %q %v %v %s", i, text, big, paid, placedAt.UTC().Format(time.RFC3339Nano), w["text"], w["big"], w["paid"], w["placed_at"])
		}
		switch wn, ok := w["number"].(float64); {
		case !ok && number != nil:
			t.Errorf("row %d: number %v, want NULL", i, *number)
		case ok && (number == nil || math.Float64bits(*number) != math.Float64bits(wn)):
			t.Errorf("row %d: number %v, want exactly %v", i, number, wn)
		}
		var gotRaw, wantRaw any
		wantJSON, _ := json.Marshal(w["raw"])
		if w["raw"] == nil {
			wantJSON = nil
		}
		if (raw == nil) != (wantJSON == nil) || (raw != nil && (json.Unmarshal(raw, &gotRaw) != nil || json.Unmarshal(wantJSON, &wantRaw) != nil || !reflect.DeepEqual(gotRaw, wantRaw))) {
			t.Errorf("row %d: raw %s, want %s", i, raw, wantJSON)
		}
	}
	if i != n {
		t.Errorf("%d rows, want %d", i, n)
	}
}
