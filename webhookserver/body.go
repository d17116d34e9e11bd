package webhookserver

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// readBody reads the body, at most the route's MaxBodyBytes of it (413
// beyond, without reading past the limit) and within its ReadTimeout (408
// for a client too slow, and the connection is closed).
func (s *Server) readBody(c *gin.Context, e *Entry) ([]byte, bool) {
	limit := e.Limits.MaxBodyBytes
	if c.Request.ContentLength > limit {
		s.closeAfter(c, http.StatusRequestEntityTooLarge, msgTooLarge)
		return nil, false
	}
	if t := e.Limits.ReadTimeout; t > 0 && t != s.opts.ReadTimeout {
		// The http.Server bounds the whole request by its own ReadTimeout;
		// a route of another WebhookServer (the local development server
		// serves them all) bounds its body by its own.
		_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(t))
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, c.Request.Body, limit))
	var tooLarge *http.MaxBytesError
	var netErr net.Error
	switch {
	case err == nil:
		return body, true
	case errors.As(err, &tooLarge):
		s.closeAfter(c, http.StatusRequestEntityTooLarge, msgTooLarge)
	case errors.As(err, &netErr) && netErr.Timeout():
		s.closeAfter(c, http.StatusRequestTimeout, msgRequestTimeout)
	default:
		abort(c, http.StatusBadRequest, errorBody{Msg: msgMalformed})
	}
	return nil, false
}

// closeAfter answers and closes the connection: what is left of the body
// is never read.
func (s *Server) closeAfter(c *gin.Context, code int, msg string) {
	c.Header("Connection", "close")
	abort(c, code, errorBody{Msg: msg})
}
