package pglocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// portAttempts is how many free ports a first start tries: another
	// process may take the port between its pick and the server's bind.
	portAttempts = 3
	// readyPoll is the interval between connection attempts while the
	// server starts.
	readyPoll = 20 * time.Millisecond
	// exitWait bounds the wait for the server process to end once told to.
	exitWait = 30 * time.Second
)

var (
	errStopped = errors.New("pglocal: the cluster was stopped")
	errExited  = errors.New("the server exited while starting (see the server log)")
)

// serverProcess is a running postmaster (through runuser when root).
type serverProcess struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has ended
}

// startOnFreePort starts the server for the first time on a free port.
func (c *Cluster) startOnFreePort(ctx context.Context) error {
	var err error
	for range portAttempts {
		if c.port, err = freePort(); err != nil {
			return errorf("pick a free port", err)
		}
		if err = c.startServer(ctx); !errors.Is(err, errExited) {
			return err
		}
	}
	return err
}

// startServer starts postgres on c.port and waits until it accepts
// connections.
func (c *Cluster) startServer(ctx context.Context) error {
	args := []string{"-D", c.dataDir}
	for _, s := range c.settings() {
		args = append(args, "-c", s)
	}
	// Not bound to ctx: the server outlives the start.
	cmd := c.command(context.Background(), "postgres", args...)
	cmd.WaitDelay = exitWait
	// Should this process die without Stop (a test that panics), the
	// server goes too (runuser passes the signal on).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return errorf("start postgres", err)
	}
	p := &serverProcess{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the exit is reported through done
		close(p.done)
	}()
	if err := waitReady(ctx, c.DSN("postgres"), p.done); err != nil {
		p.kill(c.dataDir)
		return errorf("start postgres on port "+strconv.Itoa(c.port), err)
	}
	c.server = p
	return nil
}

// stopServer shuts the server down (pg_ctl stop -m fast) and waits for its
// process to end; nothing when it is not running.
func (c *Cluster) stopServer() error {
	p := c.server
	if p == nil {
		return nil
	}
	c.server = nil
	ctx, cancel := context.WithTimeout(context.Background(), exitWait)
	defer cancel()
	err := c.run(ctx, "pg_ctl", "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", strconv.Itoa(int(exitWait.Seconds())))
	if err != nil {
		p.kill(c.dataDir)
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		p.kill(c.dataDir)
		return errorf("stop postgres", ctx.Err())
	}
}

// kill sends SIGKILL to the postmaster and to our child, and waits for the
// child to end. The postmaster's pid is the first line of postmaster.pid;
// under runuser it is our child's child. A pid file left by an earlier
// server may name a process that is no longer ours: only our child or its
// child is signalled.
func (p *serverProcess) kill(dataDir string) error {
	var err error
	child := p.cmd.Process.Pid
	if pid, readErr := postmasterPID(dataDir); readErr == nil && (pid == child || parentPID(pid) == child) {
		if killErr := syscall.Kill(pid, syscall.SIGKILL); killErr != nil && !errors.Is(killErr, syscall.ESRCH) {
			err = errorf("kill postgres", killErr)
		}
	}
	_ = p.cmd.Process.Kill() // already gone when it was the postmaster itself
	select {
	case <-p.done:
	case <-time.After(exitWait):
		if err == nil {
			err = errorf("kill postgres", errors.New("the process did not end"))
		}
	}
	return err
}

func postmasterPID(dataDir string) (int, error) {
	raw, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(raw), "\n")
	return strconv.Atoi(strings.TrimSpace(first))
}

// parentPID is the parent of process pid, from /proc; -1 when unknown.
func parentPID(pid int) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// pid (comm) state ppid ...: comm may hold spaces, so start after ")".
	i := strings.LastIndexByte(string(raw), ')')
	if i < 0 {
		return -1
	}
	fields := strings.Fields(string(raw[i+1:]))
	if len(fields) < 2 {
		return -1
	}
	ppid, err := strconv.Atoi(fields[1])
	if err != nil {
		return -1
	}
	return ppid
}

// waitReady connects until the server answers, the process ends or ctx is
// done.
func waitReady(ctx context.Context, dsn string, exited <-chan struct{}) error {
	t := time.NewTicker(readyPoll)
	defer t.Stop()
	for {
		attempt, cancel := context.WithTimeout(ctx, time.Second)
		conn, err := pgconn.Connect(attempt, dsn)
		cancel()
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-exited:
			return errExited
		case <-ctx.Done():
			return fmt.Errorf("wait for connections: %w", ctx.Err())
		case <-t.C:
		}
	}
}

// createDatabase creates a database of the cluster.
func (c *Cluster) createDatabase(ctx context.Context, name string) error {
	conn, err := pgconn.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return errorf("connect", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()).ReadAll(); err != nil {
		return errorf("create database "+name, err)
	}
	return nil
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
