// Package params turns a Workflow's sample and overrides into typed parameters,
// and binds request data to them. It does no I/O.
package params

import (
	"github.com/hookflow/hookflow/api/v1alpha1"
)

// BodyParameter is the parameter that holds the raw request body when the
// sample sets fullBody.
const BodyParameter = "body"

// Parameter is one typed input of a webhook, found at a dot path of the
// request data (customer.email is the key email of the object customer).
type Parameter struct {
	// Path is the dot path; it is also the parameter's name.
	Path string
	// Type of the value after coercion.
	Type v1alpha1.ParameterType
	// Required parameters must be present and not empty.
	Required bool
	// Description for the API docs.
	Description string
	// Example is the sample's value for this path (string, float64, bool,
	// map[string]any or []any), or nil when there is none.
	Example any
	// RawBody marks the parameter that fullBody adds: it holds the raw
	// request body, not a value found at its path.
	RawBody bool
}
