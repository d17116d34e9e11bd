package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// devReadyLine is what `hookflow dev` prints once every sample is served.
const devReadyLine = "hookflow dev is running"

// devOptions start `hookflow dev`.
type devOptions struct {
	Binary     string
	AssetsDir  string
	CRDDir     string
	SamplesDir string
	// Postgres adds --postgres: a local PostgreSQL and the Postgres
	// samples.
	Postgres bool
	// PprofAddress, when set, is passed as --pprof: hookflow dev serves
	// net/http/pprof there.
	PprofAddress string
	// StartTimeout bounds the wait for the ready line.
	StartTimeout time.Duration
}

// devServer is a running `hookflow dev`.
type devServer struct {
	*child
	// StateDir holds the kubeconfig and the PostgreSQL connection string.
	StateDir string
	// BindAddress is the webhook server's address.
	BindAddress string
	// LogPath receives the output of hookflow dev.
	LogPath string
}

// startDev starts `hookflow dev` (a binary built with -tags dev) on a free port with a new state directory
// under dir, and waits until it prints that the samples are served. Its
// output goes to dir/hookflow-dev.log.
func startDev(ctx context.Context, dir string, opts devOptions) (*devServer, error) {
	addr, err := freeAddress()
	if err != nil {
		return nil, err
	}
	d := &devServer{StateDir: filepath.Join(dir, "state"), BindAddress: addr, LogPath: filepath.Join(dir, "hookflow-dev.log")}
	// No line per request on the console under load, no metrics (as in
	// the figures measured before hookflow dev served them), and the logs
	// on stderr, into the log, as well as in the state directory.
	args := []string{"dev", "--assets", opts.AssetsDir, "--crds", opts.CRDDir, "--samples", opts.SamplesDir,
		"--state", d.StateDir, "--bind-address", addr, "--print-requests=false", "--metrics-bind-address=0", "--verbose"}
	if opts.Postgres {
		args = append(args, "--postgres")
	}
	if opts.PprofAddress != "" {
		args = append(args, "--pprof", opts.PprofAddress)
	}
	logFile, err := os.Create(d.LogPath)
	if err != nil {
		return nil, fmt.Errorf("create the hookflow dev log: %w", err)
	}
	cmd := exec.Command(opts.Binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	cmd.Stderr = logFile
	if d.child, err = startChild(cmd); err != nil {
		logFile.Close()
		return nil, err
	}
	ready := make(chan struct{})
	go copyUntilReady(stdout, logFile, ready)

	timer := time.NewTimer(opts.StartTimeout)
	defer timer.Stop()
	select {
	case <-ready:
		return d, nil
	case <-d.done:
		return nil, fmt.Errorf("hookflow dev exited before serving the samples (%v); see %s", d.err, d.LogPath)
	case <-timer.C:
		err = fmt.Errorf("hookflow dev did not serve the samples within %s; see %s", opts.StartTimeout, d.LogPath)
	case <-ctx.Done():
		err = ctx.Err()
	}
	_ = d.stop(30 * time.Second)
	return nil, err
}

// copyUntilReady copies the output of hookflow dev to log, closing ready
// when the ready line goes by, and closes log at the end of the output.
func copyUntilReady(out io.Reader, log *os.File, ready chan<- struct{}) {
	defer log.Close()
	sc := bufio.NewScanner(out)
	seen := false
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(log, line)
		if !seen && strings.Contains(line, devReadyLine) {
			seen = true
			close(ready)
		}
	}
}

// kubeconfig is the path of the dev control plane's admin kubeconfig.
func (d *devServer) kubeconfig() string { return filepath.Join(d.StateDir, "kubeconfig") }

// postgresDSN reads the connection string of the dev PostgreSQL. It holds
// a password: never print it.
func (d *devServer) postgresDSN() (string, error) {
	data, err := os.ReadFile(filepath.Join(d.StateDir, "postgres.dsn"))
	if err != nil {
		return "", fmt.Errorf("read the PostgreSQL connection string of hookflow dev: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}
