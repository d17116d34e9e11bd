// Package testenv starts a real control plane (etcd and kube-apiserver,
// through envtest) with the hookflow CRDs, for the tests of the packages
// that need an API server. Start it once per package, in TestMain.
package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/hookflow/hookflow/internal/scheme"
)

// Env is a started control plane.
type Env struct {
	*envtest.Environment
	Config *rest.Config
}

// Start starts the control plane and installs the CRDs. The binaries come
// from $KUBEBUILDER_ASSETS, or else from hack/control-plane.sh, which builds
// them once and caches them.
func Start() (*Env, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	assets, err := Assets()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		Scheme:                scheme.New(),
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("start envtest with binaries from %s: %w", assets, err)
	}
	// Tests create many objects quickly; do not let client-side throttling
	// stand in for the behaviour under test.
	cfg.QPS, cfg.Burst = 1000, 2000
	return &Env{Environment: env, Config: cfg}, nil
}

// RepoRoot is the directory of go.mod.
func RepoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot locate the repository")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..")), nil
}

// Assets is the directory of the control-plane binaries:
// $KUBEBUILDER_ASSETS, or else what hack/control-plane.sh prints (it builds
// them once and caches them).
func Assets() (string, error) {
	if assets := os.Getenv("KUBEBUILDER_ASSETS"); assets != "" {
		return assets, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return controlPlane(root)
}

func controlPlane(root string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(filepath.Join(root, "hack", "control-plane.sh"))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("hack/control-plane.sh: %w: %s", err, stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}
