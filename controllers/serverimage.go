package controllers

import (
	"fmt"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// ReasonCustomImageNotAllowed: a WebhookServer sets spec.image and the
// manager does not run custom server images.
const ReasonCustomImageNotAllowed = "CustomImageNotAllowed"

// customImageRefused returns why the server pods of ws may not run its
// spec.image, or "" when they may: when custom images are allowed, or ws
// sets none. Whoever may edit a WebhookServer could otherwise run any image
// with the server's credentials.
func customImageRefused(ws *v1alpha1.WebhookServer, allowed bool) string {
	if allowed || ws.Spec.Image == "" {
		return ""
	}
	return fmt.Sprintf("spec.image %q is not allowed: this hookflow installation runs its own server image only. "+
		"Remove spec.image, or let the manager run custom images "+
		"(flag --allow-custom-server-image; Helm value webhookServer.allowCustomImage=true)", ws.Spec.Image)
}
