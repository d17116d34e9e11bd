package route

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/clientip"
)

// Keys of the Secret named by security.appAuth.secretRef.
const (
	AppKeyKey    = "appKey"
	SecretKeyKey = "secretKey"
)

// DefaultSignatureKey is the key of security.signature.secretRef when it names none.
const DefaultSignatureKey = "secret"

// SecretKey names one key of a Secret in the Workflow's namespace.
type SecretKey struct {
	Name string
	Key  string
}

// Security is the compiled security of a webhook. It holds no secret value:
// it names the Secret keys, and the server finds their values in the
// credentials its manager gives it.
type Security struct {
	// AppAuth is the Secret of AppKey + Sign; empty when off.
	AppAuth string
	// Signature is a sender's HMAC header; nil when off.
	Signature *Signature
	// IPWhitelist are the client addresses allowed; empty allows any.
	IPWhitelist clientip.Set
	// RateLimit per replica; nil when none.
	RateLimit *RateLimit
}

// Signature is a compiled security.signature: a preset, or the generic
// form (Header, Prefix, Algorithm).
type Signature struct {
	// Preset is the sender's scheme; "" for the generic form.
	Preset string
	// Header holds the signature: the preset's, or the generic form's.
	Header    string
	Prefix    string
	Algorithm string
	// DeliveryHeader holds the sender's delivery id, used as the run's
	// idempotency key; "" when the sender sends none.
	DeliveryHeader string
	// Secrets are the Secret keys of the signing secrets, secretRef first
	// then additionalSecretRefs: any of them is accepted.
	Secrets []SecretKey
}

// RateLimit is a token bucket.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// SecretKeys returns the Secret keys a Workflow's security needs, in the
// order of the spec. The controller checks they exist; the manager copies
// their values into the credentials of the Workflow's WebhookServer.
func SecretKeys(wf *v1alpha1.Workflow) []SecretKey {
	sec := wf.Spec.Trigger.Webhook.Security
	if sec == nil {
		return nil
	}
	var keys []SecretKey
	if a := sec.AppAuth; a != nil && a.Enabled {
		keys = append(keys, SecretKey{a.SecretRef.Name, AppKeyKey}, SecretKey{a.SecretRef.Name, SecretKeyKey})
	}
	if s := sec.Signature; s != nil {
		keys = append(keys, signatureSecrets(s)...)
	}
	return keys
}

// SignatureSecretKeys returns the Secret keys of a Workflow's signing
// secrets, secretRef first, and the preset whose format they must have
// ("" for none).
func SignatureSecretKeys(wf *v1alpha1.Workflow) (preset string, keys []SecretKey) {
	sec := wf.Spec.Trigger.Webhook.Security
	if sec == nil || sec.Signature == nil {
		return "", nil
	}
	return string(sec.Signature.Preset), signatureSecrets(sec.Signature)
}

func signatureSecrets(s *v1alpha1.SignatureCheck) []SecretKey {
	keys := make([]SecretKey, 0, 1+len(s.AdditionalSecretRefs))
	for _, ref := range append([]v1alpha1.SecretKeyReference{s.SecretRef}, s.AdditionalSecretRefs...) {
		key := ref.Key
		if key == "" {
			key = DefaultSignatureKey
		}
		keys = append(keys, SecretKey{Name: ref.Name, Key: key})
	}
	return keys
}

func compileSecurity(hook *v1alpha1.WebhookTrigger, path *field.Path) (Security, field.ErrorList) {
	var out Security
	var errs field.ErrorList
	if rl := hook.RateLimit; rl != nil {
		burst := rl.Burst
		if burst == 0 {
			burst = rl.RequestsPerSecond
		}
		out.RateLimit = &RateLimit{PerSecond: float64(rl.RequestsPerSecond), Burst: int(burst)}
	}
	sec := hook.Security
	if sec == nil {
		return out, nil
	}
	secPath := path.Child("security")
	if a := sec.AppAuth; a != nil && a.Enabled {
		out.AppAuth = a.SecretRef.Name
	}
	if s := sec.Signature; s != nil {
		sig, sigErrs := compileSignature(s, secPath.Child("signature"))
		out.Signature, errs = sig, append(errs, sigErrs...)
	}
	set, err := clientip.ParseSet(sec.IPWhitelist)
	if err != nil {
		errs = append(errs, field.Invalid(secPath.Child("ipWhitelist"), sec.IPWhitelist, err.Error()))
	}
	out.IPWhitelist = set
	return out, errs
}

// CredentialsKey is the key holding k's value in the credentials Secret of
// a WebhookServer. Secret names have no "_", so the key is unambiguous.
func (k SecretKey) CredentialsKey() string { return k.Name + "_" + k.Key }
