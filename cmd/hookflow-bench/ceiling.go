package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
)

// runCeiling is `hookflow-bench ceiling`: the bare gin handler that the
// HTTP paths are compared with. It parses the JSON body into a map with
// gin's binding and answers 200 {"msg":"success"}, until SIGINT.
func runCeiling(args []string) error {
	fs := flag.NewFlagSet("ceiling", flag.ContinueOnError)
	bind := fs.String("bind", "127.0.0.1:8090", "Address to listen on.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	gin.SetMode(gin.ReleaseMode)
	router := gin.New()
	router.POST("/hooks/:id", func(c *gin.Context) {
		var body map[string]any
		if err := c.ShouldBindJSON(&body); err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"msg": "Malformed request body"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"msg": "success"})
	})
	srv := &http.Server{Addr: *bind, Handler: router, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ceiling server: %w", err)
	}
	return nil
}

// ceilingProcess is the ceiling server, run as a child process so that it
// has its own runtime, as the hookflow server has.
type ceilingProcess struct {
	*child
	URL string
}

// startCeiling re-executes this binary as `ceiling` on a free port and
// waits until it accepts connections.
func startCeiling(ctx context.Context) (*ceilingProcess, error) {
	addr, err := freeAddress()
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this binary: %w", err)
	}
	cmd := exec.Command(self, "ceiling", "--bind", addr)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	c, err := startChild(cmd)
	if err != nil {
		return nil, err
	}
	if err := waitListening(ctx, addr, 10*time.Second, c.done); err != nil {
		_ = c.stop(5 * time.Second)
		return nil, fmt.Errorf("ceiling server: %w", err)
	}
	return &ceilingProcess{child: c, URL: "http://" + addr + "/hooks/ceiling"}, nil
}

// waitListening waits until addr accepts a TCP connection, the process
// ends (exited), or timeout passes.
func waitListening(ctx context.Context, addr string, timeout time.Duration, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-exited:
			return fmt.Errorf("exited before listening on %s", addr)
		case <-ctx.Done():
			return fmt.Errorf("not listening on %s: %w", addr, ctx.Err())
		case <-tick.C:
		}
	}
}

// freeAddress is a loopback address with a port free right now.
func freeAddress() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
