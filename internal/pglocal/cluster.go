// Package pglocal runs a throw-away PostgreSQL cluster on the loopback
// interface: initdb in a temporary directory, a server on a free port, a
// database named hookflow. Tests, `hookflow dev` and the benchmark use it;
// the server binaries come from the machine (`apt-get install postgresql`).
package pglocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Database is the database every cluster has, besides postgres.
const Database = "hookflow"

// restartPause is the wait between two attempts of Resume to start the
// server.
const restartPause = 100 * time.Millisecond

// defaultMaxConnections is the max_connections of a cluster by default.
const defaultMaxConnections = 200

// Options of a cluster.
type Options struct {
	// Dir is where the cluster's own temporary directory is made;
	// os.TempDir() when empty. When running as root it must be reachable
	// by the postgres OS user.
	Dir string
	// Durable keeps PostgreSQL's durability settings. When false, fsync,
	// synchronous_commit and full_page_writes are off: fast, for tests
	// that do not crash the server.
	Durable bool
	// MaxConnections is max_connections; 200 when zero.
	MaxConnections int
	// Log receives the output of initdb and of the server; a file
	// postgres.log in the cluster's directory when nil.
	Log io.Writer
}

// Cluster is a running (or paused) throw-away PostgreSQL cluster.
type Cluster struct {
	dir     string
	dataDir string
	binDir  string
	port    int
	opts    Options
	user    *osUser // the postgres OS user when running as root; nil otherwise
	log     io.Writer
	logFile *os.File // the default log, closed by Stop

	mu     sync.Mutex
	server *serverProcess // nil while stopped
	gone   bool           // Stop was called
}

// Start makes a new cluster, starts it and creates the database hookflow.
// ctx bounds the start; the cluster outlives it.
func Start(ctx context.Context, opts Options) (c *Cluster, err error) {
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = defaultMaxConnections
	}
	binDir, err := findBinDir()
	if err != nil {
		return nil, err
	}
	user, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(opts.Dir, "pglocal-")
	if err != nil {
		return nil, errorf("make the cluster directory", err)
	}
	c = &Cluster{dir: dir, dataDir: filepath.Join(dir, "data"), binDir: binDir, opts: opts, user: user, log: opts.Log}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if err := user.own(dir); err != nil {
		return nil, errorf("give the cluster directory to the postgres user", err)
	}
	if c.log == nil {
		if c.logFile, err = os.Create(filepath.Join(dir, "postgres.log")); err != nil {
			return nil, errorf("create the server log", err)
		}
		c.log = c.logFile
	}
	if err := c.initdb(ctx); err != nil {
		return nil, err
	}
	if err := c.startOnFreePort(ctx); err != nil {
		return nil, err
	}
	if err := c.createDatabase(ctx, Database); err != nil {
		return nil, err
	}
	return c, nil
}

// DSN is the connection string of a database of the cluster, as the
// superuser postgres (trust authentication: no password).
func (c *Cluster) DSN(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, url.PathEscape(database))
}

// Port is the TCP port the server listens on, on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// BinDir is the directory of the server binaries (pg_ctl, postgres, ...).
func (c *Cluster) BinDir() string { return c.binDir }

// Dir is the cluster's directory: data, unix socket and default log.
func (c *Cluster) Dir() string { return c.dir }

// Stop shuts the server down (fast shutdown: open transactions are rolled
// back) and removes the cluster's directory. It may be called more than
// once.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		return nil
	}
	c.gone = true
	err := c.stopServer()
	if c.logFile != nil {
		c.logFile.Close()
	}
	if rmErr := os.RemoveAll(c.dir); rmErr != nil && err == nil {
		err = errorf("remove the cluster directory", rmErr)
	}
	return err
}

// Pause stops the server, keeping its data: clients see the database go
// away (connections closed, new ones refused) until Resume.
func (c *Cluster) Pause() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		return errStopped
	}
	return c.stopServer()
}

// Resume starts the paused (or killed) server again, on the same port, and
// returns once it accepts connections.
func (c *Cluster) Resume(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.gone:
		return errStopped
	case c.server != nil:
		return nil
	}
	// After a Kill, the old server's backends may hold the shared memory
	// for a moment, and the new server exits: try again until they left.
	for {
		err := c.startServer(ctx)
		if !errors.Is(err, errExited) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(restartPause):
		}
	}
}

// Kill ends the server with SIGKILL, as a crash would: what was committed
// durably survives (with Durable), and Resume runs crash recovery.
func (c *Cluster) Kill() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.server == nil {
		return nil
	}
	err := c.server.kill(c.dataDir)
	c.server = nil
	return err
}

// settings are the server's -c options.
func (c *Cluster) settings() []string {
	s := []string{
		"listen_addresses=127.0.0.1",
		"port=" + strconv.Itoa(c.port),
		"unix_socket_directories=" + c.dir,
		"max_connections=" + strconv.Itoa(c.opts.MaxConnections),
	}
	if !c.opts.Durable {
		s = append(s, "fsync=off", "synchronous_commit=off", "full_page_writes=off")
	}
	return s
}

// errorf wraps err with the step of the cluster's life that failed.
func errorf(step string, err error) error {
	return fmt.Errorf("pglocal: %s: %w", step, err)
}
