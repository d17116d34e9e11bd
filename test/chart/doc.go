// Package chart tests the two ways of installing hookflow: it renders
// charts/hookflow with the Helm SDK (default values, testdata/values-full.yaml)
// and config/default with kustomize, and applies every object to a real API
// server (envtest) with server-side apply: the CRDs for real, everything
// else as a dry run. It also checks that values.schema.json refuses bad
// values. It is a module of its own so that the Helm SDK and kustomize stay
// out of hookflow's go.mod.
package chart
