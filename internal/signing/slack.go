package signing

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// Slack's headers.
const (
	HeaderSlackSignature = "X-Slack-Signature"
	HeaderSlackTimestamp = "X-Slack-Request-Timestamp"
)

// Slack verifies Slack's X-Slack-Signature:
// "v0=" + lowercase hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + rawBody)),
// with X-Slack-Request-Timestamp within ±Window.
type Slack struct {
	Secrets [][]byte
}

// Verify implements Verifier.
func (s Slack) Verify(h http.Header, body []byte, now time.Time) (string, error) {
	got, ts := h.Get(HeaderSlackSignature), h.Get(HeaderSlackTimestamp)
	if got == "" {
		return "", fmt.Errorf("%w: no %s header", ErrInvalid, HeaderSlackSignature)
	}
	if err := checkTimestamp(ts, now); err != nil {
		return "", err
	}
	encode := func(mac []byte) string { return "v0=" + hex.EncodeToString(mac) }
	replayKey, ok, err := matchSignature(s.Secrets, []byte("v0:"+ts+":"), body, encode, got)
	if ok || err != nil {
		return replayKey, err
	}
	return "", fmt.Errorf("%w: %s header does not match", ErrInvalid, HeaderSlackSignature)
}

// SignatureHeaders implements Verifier.
func (Slack) SignatureHeaders() []string { return []string{HeaderSlackSignature} }
