package controllers

import (
	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/serverresources"
)

// ServerURLs resolves the base URL of WebhookServers.
type ServerURLs struct {
	// Local, when set, is the base URL of every WebhookServer: the local
	// development server serves all Workflows.
	Local string
}

// BaseURL is the base of the URLs of the Workflows served by ws.
func (u ServerURLs) BaseURL(ws *v1alpha1.WebhookServer) string {
	if u.Local != "" {
		return u.Local
	}
	return serverresources.BaseURL(ws)
}
