package webhookserver

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookflow/hookflow/internal/signing"
)

// checkSignature verifies the route's appAuth (AppKey + Sign, timestamp
// window, replays) and its sender signature (a preset's scheme or the
// generic header; for a timestamped scheme, the window and replays of the
// signed content). Every failure is the same 401: the caller learns nothing
// of which part was wrong, and no log line carries a key, a secret or a
// sign. A redelivery of a sender with a delivery id is not a replay: it is
// signed anew, and its id makes it idempotent (idempotencyKey).
func (s *Server) checkSignature(c *gin.Context, e *Entry, body []byte) bool {
	now := s.opts.Now()
	if e.App != nil {
		req := signing.AppRequestFrom(c.Request.Header, c.Request.URL.Query())
		if !s.admitSigned(c, e, req.Sign, signing.VerifyApp(*e.App, req, body, now)) {
			return false
		}
	}
	if e.Signature != nil {
		replayKey, err := e.Signature.Verify(c.Request.Header, body, now)
		if !s.admitSigned(c, e, replayKey, err) {
			return false
		}
	}
	return true
}

// admitSigned ends the check of one scheme: a verified request with a
// replay key is remembered, and refused if it was seen inside the window.
// It answers 401 for an invalid signature or a replay, 503 while the
// replay cache is full, and returns whether the request goes on.
func (s *Server) admitSigned(c *gin.Context, e *Entry, replayKey string, err error) bool {
	if err == nil && replayKey != "" {
		err = s.replays.Remember(replayKey, s.opts.Now())
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
	return true
}

func (s *Server) refuseSignature(c *gin.Context, e *Entry, err error) {
	s.opts.Log.V(1).Info("Request refused: invalid signature", "namespace", e.Route.Namespace, "workflow", e.Route.Name, "reason", err.Error())
	abort(c, http.StatusUnauthorized, errorBody{Msg: msgInvalidSignature})
}
