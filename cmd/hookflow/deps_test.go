package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// devPackages are what `hookflow dev` links: the production binary, built
// without the tag dev, must not link them.
var devPackages = []string{
	"sigs.k8s.io/controller-runtime/pkg/envtest",
	"github.com/hookflow/hookflow/internal/pglocal",
	"github.com/hookflow/hookflow/cmd/hookflow/devenv",
}

// testPackage is the tests' envtest helper, which no binary links.
const testPackage = "github.com/hookflow/hookflow/internal/testenv"

// deps lists the packages the command links when built with tags.
func deps(t *testing.T, tags string) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-tags="+tags, ".").Output()
	if err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list -deps -tags=%q: %v\n%s", tags, err, exit.Stderr)
		}
		t.Fatalf("go list -deps -tags=%q: %v", tags, err)
	}
	pkgs := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		pkgs[p] = true
	}
	return pkgs
}

// TestProductionBinaryLinksNoDevEnvironment: `go build ./cmd/hookflow` (the
// image's binary) links none of the dev environment; with -tags dev it
// links all of it, and neither links the tests' helper.
func TestProductionBinaryLinksNoDevEnvironment(t *testing.T) {
	production, dev := deps(t, ""), deps(t, "dev")
	for _, pkg := range devPackages {
		if production[pkg] {
			t.Errorf("the production binary links %s", pkg)
		}
		if !dev[pkg] {
			t.Errorf("the binary built with -tags dev does not link %s", pkg)
		}
	}
	if production[testPackage] || dev[testPackage] {
		t.Errorf("a binary links %s", testPackage)
	}
}

// TestDevCommand builds the binary with -tags dev, as `make dev` does, and
// reads the flags of its dev command: the logs' and metrics' flags are
// there. (The dev environment itself runs in the devenv tests.)
func TestDevCommand(t *testing.T) {
	binary := filepath.Join(t.TempDir(), "hookflow")
	build := exec.Command("go", "build", "-tags", "dev", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags dev: %v\n%s", err, out)
	}
	out, err := exec.Command(binary, "dev", "-h").CombinedOutput()
	if err != nil {
		t.Fatalf("hookflow dev -h: %v\n%s", err, out)
	}
	for _, flag := range []string{"-verbose", "-print-requests", "-metrics-bind-address", "-state", "-zap-log-level"} {
		if !strings.Contains(string(out), flag) {
			t.Errorf("hookflow dev -h lacks %s:\n%s", flag, out)
		}
	}
	if !strings.Contains(string(out), `(default "127.0.0.1:9090")`) {
		t.Errorf("hookflow dev serves no metrics on 127.0.0.1:9090 by default:\n%s", out)
	}
}
