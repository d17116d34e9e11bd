//go:build !dev

package main

import "errors"

// runDev answers `hookflow dev` in the production binary, which does not
// link the local control plane (envtest) and the rest of the dev
// environment: they come with the build tag dev.
func runDev([]string) error {
	return errors.New("this binary is built without the dev command: run `make dev`, or build with `go build -tags dev ./cmd/hookflow`")
}
