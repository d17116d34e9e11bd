package fault

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// maxExamples is how many offending answers or records a failure lists.
const maxExamples = 5

// msgUnavailable is DESIGN §4's body message of a 503.
const msgUnavailable = "Service unavailable"

// checkEveryOKStored asserts DESIGN §4's promise under a fault: every order
// answered 2xx has exactly one record, no order has two, and the number of
// 2xx answers equals the number of records of orders answered 2xx. Records
// of orders not answered 2xx are allowed (written, then the answer was lost
// or was a 503: the sender retries with an Idempotency-Key); the answers of
// those orders are returned. Every record must be of an order that was sent.
func checkEveryOKStored(t testing.TB, answers []answer, records map[string]int) (unanswered []answer) {
	t.Helper()
	sent := map[string]bool{}
	oks, stored := 0, 0
	var missing, twice, unknown []string
	for _, a := range answers {
		sent[a.orderID] = true
		switch {
		case !a.ok():
			if records[a.orderID] > 0 {
				unanswered = append(unanswered, a)
			}
		case records[a.orderID] == 0:
			oks++
			missing = append(missing, a.String())
		default:
			oks++
			stored++
		}
	}
	for id, n := range records {
		switch {
		case !sent[id]:
			unknown = append(unknown, id)
		case n > 1:
			twice = append(twice, fmt.Sprintf("%s ×%d", id, n))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d orders answered 2xx have no record (data lost), e.g.:\n%s", len(missing), examples(missing))
	}
	if len(twice) > 0 {
		t.Errorf("%d orders have more than one record, e.g.:\n%s", len(twice), examples(twice))
	}
	if len(unknown) > 0 {
		t.Errorf("%d records are of orders never sent, e.g.:\n%s", len(unknown), examples(unknown))
	}
	if stored != oks {
		t.Errorf("count(2xx) = %d, count(records of orders answered 2xx) = %d; want them equal", oks, stored)
	}
	return unanswered
}

// checkUnavailable asserts that every 503 is DESIGN §4's: a Retry-After
// header and the body's msg "Service unavailable". It returns the number
// of 503 answers to requests sent in phase p.
func checkUnavailable(t testing.TB, answers []answer, p phase) int {
	t.Helper()
	var bad []string
	n := 0
	for _, a := range answers {
		if a.code != http.StatusServiceUnavailable {
			continue
		}
		if a.phase == p {
			n++
		}
		if a.retryAfter == "" || a.msg != msgUnavailable {
			bad = append(bad, a.String())
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d answers 503 lack Retry-After or the msg %q, e.g.:\n%s", len(bad), msgUnavailable, examples(bad))
	}
	return n
}

// checkOnlyOKOrUnavailable asserts that every answer is a 2xx or a 503;
// with noAnswerAllowed, a request may also get no answer at all (the server
// process was down). Anything else (a 500, a 422, a 404, a hung request)
// is reported with its body.
func checkOnlyOKOrUnavailable(t testing.TB, answers []answer, noAnswerAllowed bool) {
	t.Helper()
	var bad []string
	for _, a := range answers {
		switch {
		case a.ok(), a.code == http.StatusServiceUnavailable, a.code == 0 && noAnswerAllowed:
		default:
			bad = append(bad, a.String())
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d answers are neither 2xx nor 503%s, e.g.:\n%s", len(bad),
			map[bool]string{true: " nor a refused connection", false: ""}[noAnswerAllowed], examples(bad))
	}
}

// summary counts the answers by phase and status (0: no answer), for the
// test's log.
func summary(answers []answer) string {
	counts := map[string]int{}
	for _, a := range answers {
		counts[fmt.Sprintf("%s:%d", a.phase, a.code)]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests;", len(answers))
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%d", k, counts[k])
	}
	return b.String()
}

func oks(answers []answer) int {
	n := 0
	for _, a := range answers {
		if a.ok() {
			n++
		}
	}
	return n
}

func examples(lines []string) string {
	sort.Strings(lines)
	if len(lines) > maxExamples {
		lines = append(lines[:maxExamples:maxExamples], "...")
	}
	return "  " + strings.Join(lines, "\n  ")
}

// TestVerdictsCatchLoss runs the checks on made-up answers and records: a
// lost 2xx, a record written twice, a 503 without Retry-After and a 500 must
// each fail them, and a clean run must not.
func TestVerdictsCatchLoss(t *testing.T) {
	ok := func(id string) answer { return answer{orderID: id, code: http.StatusOK, msg: "success"} }
	unavailable := answer{orderID: "c", phase: phaseFault, code: http.StatusServiceUnavailable, retryAfter: "5", msg: msgUnavailable}
	clean := []answer{ok("a"), ok("b"), unavailable, {orderID: "d", code: 0, err: "connection refused"}}

	var r errorRecorder
	if unanswered := checkEveryOKStored(&r, clean, map[string]int{"a": 1, "b": 1, "c": 1}); len(unanswered) != 1 || len(r.errors) > 0 {
		t.Errorf("clean run: unanswered %v (want c's 503), errors %q", unanswered, r.errors)
	}
	if n := checkUnavailable(&r, clean, phaseFault); n != 1 || len(r.errors) > 0 {
		t.Errorf("clean run: %d 503s in the fault (want 1), errors %q", n, r.errors)
	}
	checkOnlyOKOrUnavailable(&r, clean, true)
	if len(r.errors) > 0 {
		t.Errorf("clean run, no answer allowed: errors %q", r.errors)
	}

	cases := []struct {
		name  string
		check func(testing.TB)
	}{
		{"a 2xx without its record", func(tb testing.TB) { checkEveryOKStored(tb, clean, map[string]int{"a": 1}) }},
		{"a record written twice", func(tb testing.TB) { checkEveryOKStored(tb, clean, map[string]int{"a": 1, "b": 2}) }},
		{"a record of an order never sent", func(tb testing.TB) { checkEveryOKStored(tb, clean, map[string]int{"a": 1, "b": 1, "z": 1}) }},
		{"a 503 without Retry-After", func(tb testing.TB) {
			checkUnavailable(tb, []answer{{orderID: "e", code: http.StatusServiceUnavailable, msg: msgUnavailable}}, phaseFault)
		}},
		{"a 500", func(tb testing.TB) {
			checkOnlyOKOrUnavailable(tb, []answer{{orderID: "f", code: http.StatusInternalServerError}}, true)
		}},
		{"no answer where one is due", func(tb testing.TB) { checkOnlyOKOrUnavailable(tb, clean, false) }},
	}
	for _, tc := range cases {
		var r errorRecorder
		tc.check(&r)
		if len(r.errors) == 0 {
			t.Errorf("%s: the checks passed", tc.name)
		}
	}
}

// errorRecorder is a testing.TB that keeps the errors reported to it.
type errorRecorder struct {
	testing.TB
	errors []string
}

func (r *errorRecorder) Helper() {}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
