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

// Signature is a compiled security.signature.
type Signature struct {
	Header    string
	Prefix    string
	Algorithm string
	Secret    SecretKey
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
		keys = append(keys, signatureSecret(s))
	}
	return keys
}

func signatureSecret(s *v1alpha1.SignatureCheck) SecretKey {
	key := s.SecretRef.Key
	if key == "" {
		key = DefaultSignatureKey
	}
	return SecretKey{Name: s.SecretRef.Name, Key: key}
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
		alg := string(s.Algorithm)
		if alg == "" {
			alg = "sha256"
		}
		switch alg {
		case "sha1", "sha256", "sha512":
		default:
			errs = append(errs, field.NotSupported(secPath.Child("signature", "algorithm"), alg, []string{"sha1", "sha256", "sha512"}))
		}
		out.Signature = &Signature{Header: s.Header, Prefix: s.Prefix, Algorithm: alg, Secret: signatureSecret(s)}
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
