package webhookserver

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// Error bodies of DESIGN §4. Every error is JSON with a msg field.
const (
	msgNotFound         = "Webhook not found"
	msgMethodNotAllowed = "Method not allowed"
	msgIPNotAllowed     = "IP not allowed"
	msgInvalidSignature = "Invalid signature"
	msgTooManyRequests  = "Too many requests"
	msgRequestTimeout   = "Request timeout"
	// Idempotency-Key.
	msgInvalidIdempotencyKey = "Invalid Idempotency-Key"
	msgKeyReused             = "Idempotency-Key reused with a different request"
	msgTooLarge              = "Request body too large"
	msgMalformed             = "Malformed request body"
	msgMissing               = "Missing required parameter"
	msgInvalid               = "Invalid parameter"
	msgUnavailable           = "Service unavailable"
	msgRunFailed             = "Run failed"
	msgSuccess               = "success"
	msgInternal              = "Internal error"

	// Parsing limits (internal/payload/limits.go); each 400 also gives the
	// bound as max, except the file upload.
	msgTooManyValues = "Too many values"
	msgValueTooLong  = "Value too long"
	msgKeyTooLong    = "Key too long"
	msgTooDeep       = "Nesting too deep"
	msgFileUpload    = "File uploads are not accepted"
)

// retryAfterSeconds is the Retry-After of a 503, and of a 429 that set none.
const retryAfterSeconds = 5

type errorBody struct {
	Msg     string   `json:"msg"`
	Missing []string `json:"missing,omitempty"`
	Invalid []string `json:"invalid,omitempty"`
	RunID   string   `json:"runId,omitempty"`
	Error   string   `json:"error,omitempty"`
	Max     int      `json:"max,omitempty"` // the bound a parsing limit 400 is over
}

type successBody struct {
	Msg   string `json:"msg"`
	RunID string `json:"runId"`
}

func abort(c *gin.Context, code int, body errorBody) {
	if (code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests) && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	c.AbortWithStatusJSON(code, body)
}
