package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Window is how far a timestamp may be from the server clock, either way.
const Window = 300 * time.Second

// appSignLen is the length of a sign: lowercase hex of a SHA-256 MAC.
const appSignLen = 2 * sha256.Size

// AppSign returns lowercase hex(HMAC-SHA256(secretKey, appKey + "." +
// timestamp + "." + body)), the sign of DESIGN §4.
func AppSign(secretKey []byte, appKey, timestamp string, body []byte) string {
	var buf [appSignLen]byte
	return string(appSign(&buf, secretKey, appKey, timestamp, body))
}

// appSign writes the sign into dst and returns it, without allocating the
// message appKey.timestamp.body.
func appSign(dst *[appSignLen]byte, secretKey []byte, appKey, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, secretKey)
	mac.Write([]byte(appKey))
	mac.Write([]byte{'.'})
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	var sum [sha256.Size]byte
	hex.Encode(dst[:], mac.Sum(sum[:0]))
	return dst[:]
}
