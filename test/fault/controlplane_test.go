package fault

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/hookflow/hookflow/internal/scheme"
	"github.com/hookflow/hookflow/internal/testenv"
)

const (
	// apiServerStopGrace is how long the API server may take to stop after
	// SIGTERM before it is killed. Under load it may wait for in-flight
	// requests far longer (over 20 s was seen); the tests need an outage,
	// not a graceful one.
	apiServerStopGrace = 2 * time.Second
	// apiServerGoneTimeout bounds the wait for its port to close.
	apiServerGoneTimeout = 10 * time.Second
)

// controlPlane is an envtest control plane whose API server can be stopped
// and started again with the same address and certificates, so that the
// clients made before (the manager, the server process, the test) carry on.
//
// testenv.Start cannot do that: envtest gives its API server a temporary
// certificate directory, which Stop removes; a second Start then makes a new
// serving CA that no existing client trusts. Here the API server gets a
// directory of our own, which envtest keeps across a restart.
type controlPlane struct {
	*envtest.Environment
	certDir string
}

// startControlPlane starts etcd and the API server and installs the CRDs,
// as testenv.Start does.
func startControlPlane() (*controlPlane, error) {
	root, err := testenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	assets, err := testenv.Assets()
	if err != nil {
		return nil, err
	}
	certDir, err := os.MkdirTemp("", "fault-apiserver-")
	if err != nil {
		return nil, fmt.Errorf("make the API server's certificate directory: %w", err)
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		Scheme:                scheme.New(),
		ControlPlane:          envtest.ControlPlane{APIServer: &envtest.APIServer{CertDir: certDir}},
		// Also the API server's, which it takes when it starts.
		ControlPlaneStopTimeout: apiServerStopGrace,
	}
	cfg, err := env.Start()
	if err != nil {
		os.RemoveAll(certDir)
		return nil, fmt.Errorf("start envtest with binaries from %s: %w", assets, err)
	}
	// The tests send load; client-side throttling must not stand in for
	// the behaviour under test.
	cfg.QPS, cfg.Burst = 1000, 2000
	return &controlPlane{Environment: env, certDir: certDir}, nil
}

// stopAPIServer stops the API server, etcd running on, and returns once its
// port refuses connections. The API server gets SIGTERM and
// apiServerStopGrace to end; past it, envtest kills it with SIGKILL and
// reports a timeout, which is returned as notStoppedCleanly: the outage is
// the same for its clients.
func (cp *controlPlane) stopAPIServer() (notStoppedCleanly, err error) {
	api := cp.ControlPlane.APIServer
	notStoppedCleanly = api.Stop()
	addr := net.JoinHostPort(api.SecureServing.Address, api.SecureServing.Port)
	deadline := time.Now().Add(apiServerGoneTimeout)
	for {
		conn, dialErr := net.DialTimeout("tcp", addr, time.Second)
		if dialErr != nil {
			return notStoppedCleanly, nil
		}
		conn.Close()
		if time.Now().After(deadline) {
			return notStoppedCleanly, fmt.Errorf("the API server still listens on %s %v after it was told to stop", addr, apiServerGoneTimeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startAPIServer starts the stopped API server again, on the same port with
// the same certificates, and returns once it answers /healthz.
func (cp *controlPlane) startAPIServer() error {
	if err := cp.ControlPlane.APIServer.Start(); err != nil {
		return fmt.Errorf("start the API server again: %w", err)
	}
	return nil
}

// stop stops the control plane and removes the certificate directory.
func (cp *controlPlane) stop() {
	_ = cp.Environment.Stop()
	os.RemoveAll(cp.certDir)
}
