package route

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

func withSignature(s v1alpha1.SignatureCheck) *v1alpha1.Workflow {
	wf := workflow()
	wf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{Signature: &s}
	return wf
}

// TestCompileSignaturePreset: a preset compiles to its sender's headers and
// every secret of a rotation, which SecretKeys also names for the
// controllers; the generic form keeps its header and defaults to sha256.
func TestCompileSignaturePreset(t *testing.T) {
	wf := withSignature(v1alpha1.SignatureCheck{
		Preset:               v1alpha1.SignaturePresetStandardWebhooks,
		SecretRef:            v1alpha1.SecretKeyReference{Name: "sw"},
		AdditionalSecretRefs: []v1alpha1.SecretKeyReference{{Name: "sw", Key: "next"}},
	})
	rt, err := Compile(wf, map[string]*v1alpha1.Worksheet{"orders": sheet()})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	want := &Signature{Preset: "StandardWebhooks", Header: "webhook-signature", DeliveryHeader: "webhook-id",
		Secrets: []SecretKey{{"sw", "secret"}, {"sw", "next"}}}
	if !reflect.DeepEqual(rt.Security.Signature, want) {
		t.Errorf("compiled %+v, want %+v", rt.Security.Signature, want)
	}
	if keys := SecretKeys(wf); !reflect.DeepEqual(keys, want.Secrets) {
		t.Errorf("SecretKeys = %v, want %v", keys, want.Secrets)
	}
	if preset, keys := SignatureSecretKeys(wf); preset != "StandardWebhooks" || len(keys) != 2 {
		t.Errorf("SignatureSecretKeys = %q, %v", preset, keys)
	}

	generic, err := Compile(withSignature(v1alpha1.SignatureCheck{Header: "X-Sig", SecretRef: v1alpha1.SecretKeyReference{Name: "s"}}),
		map[string]*v1alpha1.Worksheet{"orders": sheet()})
	if err != nil {
		t.Fatalf("Compile generic: %v", err)
	}
	if s := generic.Security.Signature; s.Algorithm != "sha256" || s.Header != "X-Sig" || s.Preset != "" || s.DeliveryHeader != "" {
		t.Errorf("generic compiled to %+v", s)
	}
}

// TestCompileSignatureRefusesWhatTheCRDRefuses: objects that did not pass
// through the CRD's rules still cannot mix a preset with the generic form.
func TestCompileSignatureRefusesWhatTheCRDRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		s    v1alpha1.SignatureCheck
		want string
	}{
		"unknown preset":       {v1alpha1.SignatureCheck{Preset: "Twilio"}, "preset"},
		"preset with a header": {v1alpha1.SignatureCheck{Preset: "GitHub", Header: "X-Hub-Signature-256"}, "must be unset"},
		"no preset, no header": {v1alpha1.SignatureCheck{}, "header"},
	} {
		_, err := Compile(withSignature(tc.s), map[string]*v1alpha1.Worksheet{"orders": sheet()})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %q", name, err, tc.want)
		}
	}
}
