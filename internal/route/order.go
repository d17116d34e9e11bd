package route

import "github.com/hookflow/hookflow/api/v1alpha1"

// Older orders Workflows by creation, then namespace and name. When two
// Workflows claim the same webhook id, the older one keeps it: the
// controller marks the younger one not Ready and the server serves the
// older one.
func Older(a, b *v1alpha1.Workflow) bool {
	if !a.CreationTimestamp.Equal(&b.CreationTimestamp) {
		return a.CreationTimestamp.Before(&b.CreationTimestamp)
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}
