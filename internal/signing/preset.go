package signing

import "fmt"

// Preset is a sender's whole signature scheme, by its API name
// (security.signature.preset).
type Preset struct {
	Name string
	// SignatureHeader holds the signature.
	SignatureHeader string
	// DeliveryHeader holds the sender's delivery id, the same on each
	// redelivery of an event; "" when the sender sends none.
	DeliveryHeader string
	// Timestamped schemes sign a timestamp, accepted within ±Window; a
	// request that repeats one seen inside the window is a replay.
	Timestamped bool

	verifier    func(secrets [][]byte) (Verifier, error)
	checkSecret func(secret []byte) error
}

// presets are the schemes of security.signature.preset.
var presets = map[string]Preset{
	"GitHub": {
		Name: "GitHub", SignatureHeader: HeaderGitHubSignature, DeliveryHeader: HeaderGitHubDelivery,
		verifier: func(s [][]byte) (Verifier, error) { return GitHub{Secrets: s}, nil },
	},
	"Stripe": {
		Name: "Stripe", SignatureHeader: HeaderStripeSignature, Timestamped: true,
		verifier: func(s [][]byte) (Verifier, error) { return Stripe{Secrets: s}, nil },
	},
	"Slack": {
		Name: "Slack", SignatureHeader: HeaderSlackSignature, Timestamped: true,
		verifier: func(s [][]byte) (Verifier, error) { return Slack{Secrets: s}, nil },
	},
	"Shopify": {
		Name: "Shopify", SignatureHeader: HeaderShopifyHmac, DeliveryHeader: HeaderShopifyWebhookID,
		verifier: func(s [][]byte) (Verifier, error) { return Shopify{Secrets: s}, nil },
	},
	"StandardWebhooks": {
		Name: "StandardWebhooks", SignatureHeader: HeaderWebhookSignature, DeliveryHeader: HeaderWebhookID, Timestamped: true,
		verifier: func(s [][]byte) (Verifier, error) {
			v, err := NewStandardWebhooks(s)
			if err != nil {
				return nil, err
			}
			return v, nil
		},
		checkSecret: func(secret []byte) error {
			_, err := ParseStandardWebhooksSecret(secret)
			return err
		},
	},
}

// LookupPreset returns the preset of an API name.
func LookupPreset(name string) (Preset, bool) {
	p, ok := presets[name]
	return p, ok
}

// Verifier returns the preset's verifier for secrets, as read from their
// Secrets; an error names the malformed secret by its position, never by
// its value.
func (p Preset) Verifier(secrets [][]byte) (Verifier, error) {
	if p.verifier == nil {
		return nil, fmt.Errorf("unknown signature preset %q", p.Name)
	}
	return p.verifier(secrets)
}

// CheckSecret tells whether secret has the preset's format; the error never
// holds any part of it.
func (p Preset) CheckSecret(secret []byte) error {
	if p.checkSecret == nil {
		return nil
	}
	return p.checkSecret(secret)
}
