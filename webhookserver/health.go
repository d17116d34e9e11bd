package webhookserver

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) healthz(c *gin.Context) {
	c.String(http.StatusOK, "ok")
}

// readyz answers 200 once the cache has synced and the first route table
// is built.
func (s *Server) readyz(c *gin.Context) {
	if !s.ready.Load() {
		c.String(http.StatusServiceUnavailable, "route table not built yet")
		return
	}
	c.String(http.StatusOK, "ok")
}
