package serverresources

import (
	"maps"
	"testing"
)

func TestNamesAndLabels(t *testing.T) {
	tests := []struct {
		name            string
		server          string
		wantName        string
		wantCredentials string
	}{
		{name: "default", server: "default", wantName: "default-hookflow", wantCredentials: "default-hookflow-credentials"},
		{name: "other", server: "public", wantName: "public-hookflow", wantCredentials: "public-hookflow-credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := newServer()
			ws.Name = tt.server
			if got := ObjectName(ws); got != tt.wantName {
				t.Errorf("ObjectName = %q, want %q", got, tt.wantName)
			}
			if got := CredentialsSecretName(ws); got != tt.wantCredentials {
				t.Errorf("CredentialsSecretName = %q, want %q", got, tt.wantCredentials)
			}
			wantSelector := map[string]string{
				"app.kubernetes.io/name":     "hookflow-server",
				"app.kubernetes.io/instance": tt.server,
			}
			if got := SelectorLabels(ws); !maps.Equal(got, wantSelector) {
				t.Errorf("SelectorLabels = %v, want %v", got, wantSelector)
			}
			wantLabels := maps.Clone(wantSelector)
			wantLabels["app.kubernetes.io/managed-by"] = "hookflow"
			wantLabels["app.kubernetes.io/component"] = "webhook-server"
			if got := Labels(ws); !maps.Equal(got, wantLabels) {
				t.Errorf("Labels = %v, want %v", got, wantLabels)
			}
		})
	}
}

func TestLabelsAreFreshMaps(t *testing.T) {
	ws := newServer()
	Labels(ws)["x"] = "y"
	SelectorLabels(ws)["x"] = "y"
	if _, ok := Labels(ws)["x"]; ok {
		t.Error("Labels returned a shared map")
	}
	if _, ok := SelectorLabels(ws)["x"]; ok {
		t.Error("SelectorLabels returned a shared map")
	}
}
