package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// child is a process started by the bench, in its own process group, so
// that what it started (the control plane, PostgreSQL) can be ended with
// it if it does not stop in time.
type child struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has ended
	err  error         // its exit, once done is closed
}

// startChild starts cmd as a child.
func startChild(cmd *exec.Cmd) (*child, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// stop sends SIGINT and waits up to grace for the process to end; then it
// kills the process group. It returns the process's exit error.
func (c *child) stop(grace time.Duration) error {
	select {
	case <-c.done:
		return c.err
	default:
	}
	_ = c.cmd.Process.Signal(os.Interrupt)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-c.done:
		return c.err
	case <-timer.C:
	}
	// Only the group of the process this bench started.
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	<-c.done
	return fmt.Errorf("%s did not stop within %s and was killed", c.cmd.Path, grace)
}
