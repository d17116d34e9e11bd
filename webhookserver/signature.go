package webhookserver

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookflow/hookflow/internal/signing"
)

// checkSignature verifies the route's appAuth (AppKey + Sign, timestamp
// window, replays) and its sender signature header. Every failure is the
// same 401: the caller learns nothing of which part was wrong, and no log
// line carries a key, a secret or a sign.
func (s *Server) checkSignature(c *gin.Context, e *Entry, body []byte) bool {
	if e.App != nil {
		req := signing.AppRequestFrom(c.Request.Header, c.Request.URL.Query())
		err := signing.VerifyApp(*e.App, req, body, s.opts.Now())
		if err == nil {
			err = s.replays.Remember(req.Sign, s.opts.Now())
		}
		if errors.Is(err, signing.ErrCacheFull) {
			s.opts.Log.Info("Replay cache full: refusing signed requests until it drains", "namespace", e.Route.Namespace, "workflow", e.Route.Name)
			abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
			return false
		}
		if err != nil {
			s.refuseSignature(c, e, err)
			return false
		}
	}
	if e.Signature != nil {
		if err := e.Signature.Verify(c.Request.Header, body); err != nil {
			s.refuseSignature(c, e, err)
			return false
		}
	}
	return true
}

func (s *Server) refuseSignature(c *gin.Context, e *Entry, err error) {
	s.opts.Log.V(1).Info("Request refused: invalid signature", "namespace", e.Route.Namespace, "workflow", e.Route.Name, "reason", err.Error())
	abort(c, http.StatusUnauthorized, errorBody{Msg: msgInvalidSignature})
}
