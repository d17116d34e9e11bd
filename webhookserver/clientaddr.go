package webhookserver

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// checkClientIP refuses, with 403, a client whose address is not in the
// route's IP whitelist. The address is the TCP peer, or what a trusted
// proxy of the WebhookServer says it is (DESIGN §4).
func (s *Server) checkClientIP(c *gin.Context, e *Entry) bool {
	allow := e.Route.Security.IPWhitelist
	if allow.Empty() {
		return true
	}
	addr, ok := e.Peers.ClientAddr(c.Request.RemoteAddr, c.Request.Header)
	if ok && allow.Contains(addr) {
		return true
	}
	s.opts.Log.V(1).Info("Client address not in the IP whitelist", "namespace", e.Route.Namespace, "workflow", e.Route.Name, "client", addr.String())
	abort(c, http.StatusForbidden, errorBody{Msg: msgIPNotAllowed})
	return false
}
