package controllers

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func TestCustomImageRefused(t *testing.T) {
	custom := &v1alpha1.WebhookServer{Spec: v1alpha1.WebhookServerSpec{Image: "registry.example.com/mine:1"}}
	tests := []struct {
		name    string
		ws      *v1alpha1.WebhookServer
		allowed bool
		refused bool
	}{
		{"no spec.image", &v1alpha1.WebhookServer{}, false, false},
		{"no spec.image, custom allowed", &v1alpha1.WebhookServer{}, true, false},
		{"spec.image", custom, false, true},
		{"spec.image, custom allowed", custom, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := customImageRefused(tt.ws, tt.allowed)
			if (msg != "") != tt.refused {
				t.Fatalf("refused = %q, want refused: %v", msg, tt.refused)
			}
			if tt.refused && !strings.Contains(msg, "--allow-custom-server-image") {
				t.Errorf("message %q does not say how to allow it", msg)
			}
		})
	}
}
