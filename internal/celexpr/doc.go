// Package celexpr compiles and evaluates the CEL expressions of a Workflow:
// the field values of its steps, their `when` conditions, and the headers
// and body of its response.
//
// An Env is built once per Workflow from its parameters and step names; it
// gives the variable `params` a static object type, so that a typo such as
// params.customer.emial is reported when the Workflow is applied, not when a
// request arrives. Programs are compiled once and are safe for concurrent use
// on the request path. The package does no I/O.
package celexpr
