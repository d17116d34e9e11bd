package fault

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookflow/hookflow/internal/signing"
)

const (
	// senders is the number of concurrent senders of a load.
	senders = 16
	// requestTimeout bounds one request, so that a test ends whatever the
	// server does.
	requestTimeout = 5 * time.Second
	// refusedPause paces a sender whose request got no answer (the server
	// process is down): it tries again soon, without spinning.
	refusedPause = 20 * time.Millisecond
	// maxBody is what an answer keeps of its body, for the reports.
	maxBody = 300
)

// phase is the part of a test a request was sent in.
type phase int32

const (
	phaseBefore phase = iota // before the fault
	phaseFault               // the fault is on (or the server restarting)
	phaseAfter               // the fault is over
	phases
)

func (p phase) String() string {
	return [...]string{"before", "fault", "after"}[p]
}

// answer is what one signed request got.
type answer struct {
	orderID string
	phase   phase // when it was sent
	// code is the HTTP status; 0 when no answer came (refused, reset,
	// timed out).
	code       int
	retryAfter string
	msg        string // the body's "msg"
	body       string // the body, cut to maxBody
	err        string // why no answer came
}

func (a answer) ok() bool { return a.code >= 200 && a.code < 300 }

func (a answer) String() string {
	if a.code == 0 {
		return fmt.Sprintf("%s (%s): no answer: %s", a.orderID, a.phase, a.err)
	}
	return fmt.Sprintf("%s (%s): %d Retry-After=%q %s", a.orderID, a.phase, a.code, a.retryAfter, a.body)
}

// sender posts orders to one webhook URL, each signed with appAuth (a fresh
// timestamp, so a fresh sign) and with an order id of its own.
type sender struct {
	url    string
	client *http.Client
}

func newSender(url string) *sender {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = senders
	return &sender{url: url, client: &http.Client{Timeout: requestTimeout, Transport: transport}}
}

// send posts one order and returns its answer.
func (s *sender) send(ctx context.Context, orderID string) answer {
	a := answer{orderID: orderID}
	body := []byte(`{"order_id":"` + orderID + `","amount":129.5,"customer":{"email":"ada@example.com"}}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		a.err = err.Error()
		return a
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(signing.HeaderAppKey, appKey)
	req.Header.Set(signing.HeaderTimestamp, ts)
	req.Header.Set(signing.HeaderSign, signing.AppSign([]byte(secretKey), appKey, ts, body))
	resp, err := s.client.Do(req)
	if err != nil {
		a.err = err.Error()
		return a
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		// The status came, the body did not: the answer is not whole, and a
		// sender would not trust it either.
		a.err = "read the body of a " + resp.Status + ": " + err.Error()
		return a
	}
	a.code, a.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	a.body = string(raw[:min(len(raw), maxBody)])
	var decoded struct {
		Msg string `json:"msg"`
	}
	if json.Unmarshal(raw, &decoded) == nil {
		a.msg = decoded.Msg
	}
	return a
}

// load is `senders` goroutines posting orders back to back until stopped.
// The test moves it through the phases; each answer is marked with the
// phase its request was sent in.
type load struct {
	phase  atomic.Int32
	oks    [phases]atomic.Int64 // 2xx answers by phase
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	answers []answer
}

// startLoad starts posting orders to url whose ids start with prefix.
func startLoad(url, prefix string) *load {
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{cancel: cancel}
	s := newSender(url)
	for i := range senders {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.send(ctx, s, fmt.Sprintf("%s-%02d", prefix, i))
		}()
	}
	return l
}

// send posts orders until ctx is done. A request already sent is not
// cancelled: its answer is awaited (up to requestTimeout), so that a 2xx
// is never lost by the test itself.
func (l *load) send(ctx context.Context, s *sender, prefix string) {
	for n := 0; ctx.Err() == nil; n++ {
		p := phase(l.phase.Load())
		a := s.send(context.WithoutCancel(ctx), fmt.Sprintf("%s-%06d", prefix, n))
		a.phase = p
		if a.ok() {
			l.oks[p].Add(1)
		}
		l.mu.Lock()
		l.answers = append(l.answers, a)
		l.mu.Unlock()
		if a.code == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(refusedPause):
			}
		}
	}
}

// enter moves the load to phase p: requests sent from now on are marked p.
func (l *load) enter(p phase) { l.phase.Store(int32(p)) }

// okCount is the number of 2xx answers to requests sent in phase p so far.
func (l *load) okCount(p phase) int64 { return l.oks[p].Load() }

// stop stops the senders, waits for the answers of the requests in flight
// and returns every answer.
func (l *load) stop() []answer {
	l.cancel()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.answers
}
