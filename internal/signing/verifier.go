package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// Verifier checks the signature of a sender's request with one or more
// secrets (several during a rotation: any one of them is accepted).
//
// Verify returns nil or ErrInvalid wrapped with a reason for the logs that
// never holds a signature or a secret. For a scheme that signs a timestamp
// it also returns a replay key: the same for every request that repeats
// the signed content, so that the caller refuses a second one inside the
// window (ReplayCache); it is "" for a scheme without a timestamp.
type Verifier interface {
	Verify(h http.Header, body []byte, now time.Time) (replayKey string, err error)
	// SignatureHeaders are the headers holding the signature: never kept
	// with a run's request.
	SignatureHeaders() []string
}

// checkTimestamp reads ts as decimal unix seconds and checks it is within
// ±Window of now.
func checkTimestamp(ts string, now time.Time) error {
	if ts == "" {
		return fmt.Errorf("%w: no timestamp", ErrInvalid)
	}
	t, ok := parseUnixSeconds(ts)
	if !ok {
		return fmt.Errorf("%w: timestamp is not decimal unix seconds", ErrInvalid)
	}
	window := int64(Window / time.Second)
	if skew := t - now.Unix(); skew < -window || skew > window {
		return fmt.Errorf("%w: timestamp is %+ds from the server clock, more than %s", ErrInvalid, skew, Window)
	}
	return nil
}

// hmacSHA256 returns HMAC-SHA256(secret, parts...).
func hmacSHA256(secret []byte, parts ...[]byte) []byte {
	mac := hmac.New(sha256.New, secret)
	for _, p := range parts {
		mac.Write(p)
	}
	return mac.Sum(nil)
}

// usableSecrets returns secrets without the empty ones: anybody can compute
// a MAC with an empty key, so an empty secret accepts nothing.
func usableSecrets(secrets [][]byte) ([][]byte, error) {
	out := make([][]byte, 0, len(secrets))
	for _, s := range secrets {
		if len(s) > 0 {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no signature secret", ErrInvalid)
	}
	return out, nil
}

// matchSignature tries each secret in turn: HMAC-SHA256(secret, signed +
// body), encoded by encode, against each of sigs, in constant time. It
// returns the replay key of the signed content (the hex MAC with the first
// secret: the same whichever signature matched) and whether one matched;
// an error when no secret is usable.
func matchSignature(secrets [][]byte, signed, body []byte, encode func(mac []byte) string, sigs ...string) (string, bool, error) {
	secrets, err := usableSecrets(secrets)
	if err != nil {
		return "", false, err
	}
	var replayKey string
	for i, secret := range secrets {
		mac := hmacSHA256(secret, signed, body)
		if i == 0 {
			replayKey = hex.EncodeToString(mac)
		}
		want := []byte(encode(mac))
		for _, sig := range sigs {
			if hmac.Equal([]byte(sig), want) {
				return replayKey, true, nil
			}
		}
	}
	return "", false, nil
}
