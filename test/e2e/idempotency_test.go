package e2e

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/internal/testenv"
)

type answer struct {
	code int
	body string
}

func postWithKey(t *testing.T, url, key, body string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return answer{}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return answer{}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(raw)}
}

// TestIdempotencyKey: 100 concurrent requests with one key, spread over two
// server instances, write one record and all get the same answer; a retry
// later gets it again; the key with another body is refused.
func TestIdempotencyKey(t *testing.T) {
	ns := newNamespace(t)
	create(t, testenv.WebhookServer(ns), testenv.OrdersWorksheet(ns), testenv.OrderWorkflow(ns, "orders"))
	wf := waitServed(t, testenv.OrderWorkflow(ns, "orders"))
	_, other := anotherServer(t)
	urls := []string{wf.Status.WebhookURL, strings.Replace(wf.Status.WebhookURL, baseURL, other, 1)}
	testenv.Eventually(t, 20*time.Second, "the second server serves the Workflow", func() (bool, string) {
		a := postWithKey(t, urls[1], "warm-up", `{"order_id":"W-0"}`)
		return a.code == 200, a.body
	})

	const body = `{"order_id":"I-1","amount":5}`
	answers := make([]answer, 100)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = postWithKey(t, urls[i%2], "order-I-1", body) })
	}
	wg.Wait()
	first := answers[0]
	if first.code != 200 || !strings.Contains(first.body, `"runId"`) {
		t.Fatalf("first answer = %d %s, want 200 with a runId", first.code, first.body)
	}
	for i, a := range answers {
		if a != first {
			t.Fatalf("answer %d = %d %s, want the same as answer 0: %d %s", i, a.code, a.body, first.code, first.body)
		}
	}
	if a := postWithKey(t, urls[1], "order-I-1", body); a != first {
		t.Errorf("a later retry = %d %s, want the first answer", a.code, a.body)
	}
	n := 0
	for _, r := range records(t, ns) {
		if strings.Contains(string(r.Spec.Values["order_id"].Raw), "I-1") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d records for one Idempotency-Key, want 1", n)
	}

	if a := postWithKey(t, urls[0], "order-I-1", `{"order_id":"I-2"}`); a.code != 422 || a.body != `{"msg":"Idempotency-Key reused with a different request"}` {
		t.Errorf("same key, other body: %d %s, want 422", a.code, a.body)
	}
	if a := postWithKey(t, urls[0], strings.Repeat("k", 256), body); a.code != 400 || a.body != `{"msg":"Invalid Idempotency-Key"}` {
		t.Errorf("a 256-character key: %d %s, want 400", a.code, a.body)
	}
	// A run failure is kept and given again too: the same order under a
	// new key is a duplicate (422), every time, without a second record.
	dup := postWithKey(t, urls[0], "order-I-1-again", body)
	if dup.code != 422 {
		t.Fatalf("duplicate order under a new key: %d %s, want 422", dup.code, dup.body)
	}
	if a := postWithKey(t, urls[1], "order-I-1-again", body); a != dup {
		t.Errorf("retry of a failed run = %d %s, want %d %s", a.code, a.body, dup.code, dup.body)
	}
}
