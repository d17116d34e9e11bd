package route

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/signing"
)

// presetNames are the values of security.signature.preset.
var presetNames = []string{"GitHub", "Stripe", "Slack", "Shopify", "StandardWebhooks"}

// compileSignature compiles security.signature: a preset fixes the headers
// and the scheme; without one, the generic form's algorithm defaults to
// sha256. The CRD refuses a preset with header, algorithm or prefix, and
// the generic form without a header; the checks here hold for objects
// that did not pass through it.
func compileSignature(s *v1alpha1.SignatureCheck, path *field.Path) (*Signature, field.ErrorList) {
	var errs field.ErrorList
	out := &Signature{Secrets: signatureSecrets(s)}
	if s.Preset != "" {
		p, ok := signing.LookupPreset(string(s.Preset))
		if !ok {
			return out, append(errs, field.NotSupported(path.Child("preset"), s.Preset, presetNames))
		}
		if s.Header != "" || s.Algorithm != "" || s.Prefix != "" {
			errs = append(errs, field.Forbidden(path, "with a preset, header, algorithm and prefix must be unset"))
		}
		out.Preset, out.Header, out.DeliveryHeader = p.Name, p.SignatureHeader, p.DeliveryHeader
		return out, errs
	}
	alg := string(s.Algorithm)
	if alg == "" {
		alg = "sha256"
	}
	switch alg {
	case "sha1", "sha256", "sha512":
	default:
		errs = append(errs, field.NotSupported(path.Child("algorithm"), alg, []string{"sha1", "sha256", "sha512"}))
	}
	if s.Header == "" {
		errs = append(errs, field.Required(path.Child("header"), "required without a preset"))
	}
	out.Header, out.Prefix, out.Algorithm = s.Header, s.Prefix, alg
	return out, errs
}
