package fault

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hookflow/hookflow/internal/testenv"
)

// serverStartTimeout bounds the start of a server process: its cache sync
// and first route table.
const serverStartTimeout = 30 * time.Second

// serverProcess is `hookflow server` running as a process of its own,
// serving the Workflows of one namespace's WebhookServer "default" on a
// fixed address, so that it can be killed and started again in its place.
type serverProcess struct {
	t         *testing.T
	namespace string
	addr      string
	out       *syncBuffer // the output of every run, in order

	mu  sync.Mutex
	run *processRun // the current run; nil once killed
}

// processRun is one run of the process.
type processRun struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has ended
}

// startServer starts a server process for namespace on a free port, and
// waits until it is ready. It is killed when the test ends; its output is
// shown when the test failed.
func startServer(t *testing.T, namespace string) *serverProcess {
	t.Helper()
	p := &serverProcess{t: t, namespace: namespace, addr: testenv.FreeAddress(t), out: &syncBuffer{}}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("server process output:\n%s", clip(p.out.String()))
		}
	})
	p.start()
	return p
}

// baseURL is the server's http://host:port.
func (p *serverProcess) baseURL() string { return "http://" + p.addr }

// start runs the binary on p.addr and waits for /readyz: the cache has
// synced and the first route table is built.
func (p *serverProcess) start() {
	p.t.Helper()
	cmd := exec.Command(binary, "server", "--kubeconfig", kubeconfig,
		"--namespace", p.namespace, "--webhook-server", "default",
		"--bind-address", p.addr, "--metrics-bind-address", "0", "--drain-delay", "0s")
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("start the server process: %v", err)
	}
	r := &processRun{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the end is reported through done
		close(r.done)
	}()
	p.mu.Lock()
	p.run = r
	p.mu.Unlock()
	testenv.Eventually(p.t, serverStartTimeout, "server process ready on "+p.addr, func() (bool, string) {
		select {
		case <-r.done:
			return false, "the process exited: " + cmd.ProcessState.String()
		default:
		}
		resp, err := http.Get(p.baseURL() + "/readyz")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, "/readyz answered " + resp.Status
	})
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would, and
// waits for it; nothing when it is not running.
func (p *serverProcess) kill() {
	p.mu.Lock()
	r := p.run
	p.run = nil
	p.mu.Unlock()
	if r == nil {
		return
	}
	select {
	case <-r.done:
		return // it had ended by itself; its output tells why
	default:
	}
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Errorf("SIGKILL the server process: %v", err)
	}
	<-r.done
	p.out.WriteString("----- SIGKILL -----\n")
}

// Of a long output, a failed test shows the beginning and the end.
const (
	outputHead = 4 << 10
	outputTail = 16 << 10
)

// clip cuts the middle out of a long output.
func clip(s string) string {
	if len(s) <= outputHead+outputTail {
		return s
	}
	return s[:outputHead] + fmt.Sprintf("\n[... %d bytes ...]\n", len(s)-outputHead-outputTail) + s[len(s)-outputTail:]
}

// syncBuffer is a bytes.Buffer safe for the writes of a process's output
// and a test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
