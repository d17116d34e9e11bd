package serverresources

// Options are the installation-wide settings of the builders.
type Options struct {
	// Image is the server image used when a WebhookServer sets no spec.image:
	// the operator's own image.
	Image string
}
