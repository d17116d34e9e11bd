package webhookserver

import (
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// takeToken takes one token of the route's rate limit, or answers 429 with
// the whole seconds until one is free in Retry-After.
func (s *Server) takeToken(c *gin.Context, e *Entry) bool {
	if e.Limiter == nil {
		return true
	}
	now := s.opts.Now()
	r := e.Limiter.ReserveN(now, 1)
	delay := r.DelayFrom(now)
	if r.OK() && delay == 0 {
		return true
	}
	r.CancelAt(now)
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(delay.Seconds())))))
	s.opts.Log.V(1).Info("Request refused: over the rate limit", "namespace", e.Route.Namespace, "workflow", e.Route.Name)
	s.opts.Metrics.refused(e, refusedRateLimit)
	abort(c, http.StatusTooManyRequests, errorBody{Msg: msgTooManyRequests})
	return false
}

// takeSlot takes one of the WebhookServer's run slots on this replica, or
// answers 503 with Retry-After; nothing is written then.
func (s *Server) takeSlot(c *gin.Context, e *Entry) (release func(), ok bool) {
	if e.Runs == nil {
		return func() {}, true
	}
	if release, ok := e.Runs.TryTake(); ok {
		return release, true
	}
	s.opts.Log.V(1).Info("Request refused: maxConcurrentRuns reached", "namespace", e.Route.Namespace, "workflow", e.Route.Name, "max", e.Runs.Size())
	s.opts.Metrics.refused(e, refusedCapacity)
	abort(c, http.StatusServiceUnavailable, errorBody{Msg: msgUnavailable})
	return nil, false
}
