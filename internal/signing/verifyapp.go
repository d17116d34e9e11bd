package signing

import (
	"crypto/hmac"
	"crypto/subtle"
	"fmt"
	"time"
)

// maxTimestampDigits keeps a timestamp's value far from int64 overflow.
const maxTimestampDigits = 18

// AppCredentials are the keys of an appAuth Secret.
type AppCredentials struct {
	AppKey    string
	SecretKey []byte
}

// VerifyApp checks req against creds for body at time now: all three values
// present, appKey equal (constant time), timestamp decimal unix seconds
// (ASCII digits only) within ±Window of now, and sign equal to AppSign's
// lowercase hex (constant time; an upper-case sign is invalid). It returns
// nil or ErrInvalid wrapped with a reason for the logs that never contains
// the sign, the keys or the secret. Credentials with an empty appKey or
// secretKey accept nothing: anybody could compute a sign with an empty key.
//
// VerifyApp does not check replays: see ReplayCache.
func VerifyApp(creds AppCredentials, req AppRequest, body []byte, now time.Time) error {
	switch {
	case req.AppKey == "":
		return fmt.Errorf("%w: no appKey", ErrInvalid)
	case req.Timestamp == "":
		return fmt.Errorf("%w: no timestamp", ErrInvalid)
	case req.Sign == "":
		return fmt.Errorf("%w: no sign", ErrInvalid)
	case creds.AppKey == "" || len(creds.SecretKey) == 0:
		return fmt.Errorf("%w: the credentials have an empty appKey or secretKey", ErrInvalid)
	}
	ts, ok := parseUnixSeconds(req.Timestamp)
	if !ok {
		return fmt.Errorf("%w: timestamp is not decimal unix seconds", ErrInvalid)
	}
	window := int64(Window / time.Second)
	if skew := ts - now.Unix(); skew < -window || skew > window {
		return fmt.Errorf("%w: timestamp is %+ds from the server clock, more than %s", ErrInvalid, skew, Window)
	}
	if subtle.ConstantTimeCompare([]byte(req.AppKey), []byte(creds.AppKey)) != 1 {
		return fmt.Errorf("%w: unknown appKey", ErrInvalid)
	}
	var want [appSignLen]byte
	if !hmac.Equal([]byte(req.Sign), appSign(&want, creds.SecretKey, req.AppKey, req.Timestamp, body)) {
		return fmt.Errorf("%w: sign does not match", ErrInvalid)
	}
	return nil
}

// parseUnixSeconds reads 1 to maxTimestampDigits ASCII digits: no sign, no
// spaces, no fraction.
func parseUnixSeconds(s string) (int64, bool) {
	if len(s) == 0 || len(s) > maxTimestampDigits {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
