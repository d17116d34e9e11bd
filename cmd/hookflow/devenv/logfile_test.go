package devenv

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// jsonLines decodes each line of data as a JSON object.
func jsonLines(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q is not JSON: %v", sc.Text(), err)
		}
		lines = append(lines, line)
	}
	return lines
}

// messages are the msg of the lines.
func messages(lines []map[string]any) []string {
	var msgs []string
	for _, l := range lines {
		msg, _ := l["msg"].(string)
		msgs = append(msgs, msg)
	}
	return msgs
}

// TestLogsGoToTheFile logs as `hookflow dev` does: JSON lines in
// <state>/hookflow.log, appended to from run to run, at the level of the
// flags; nothing on the console unless it is tee'd there (--verbose).
func TestLogsGoToTheFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), ".dev")
	run := func(args []string, tee *bytes.Buffer) {
		t.Helper()
		var opts zap.Options
		fs := flag.NewFlagSet("dev", flag.ContinueOnError)
		opts.BindFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		f, err := OpenLog(state)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var log = NewLogger(opts, f, nil)
		if tee != nil {
			log = NewLogger(opts, f, tee)
		}
		log.Info("Starting the local control plane", "assets", "bin/k8s")
		log.V(1).Info("Route table built", "routes", 3)
	}
	run(nil, nil)
	var console bytes.Buffer
	run([]string{"--zap-log-level=debug"}, &console)

	path := filepath.Join(state, LogFile)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := jsonLines(t, data)
	got := messages(lines)
	// The first run, at info level, logs one line; the second, at debug
	// level, both; the file keeps all three.
	want := []string{"Starting the local control plane", "Starting the local control plane", "Route table built"}
	if len(got) != len(want) {
		t.Fatalf("log file messages %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("log file messages %q, want %q", got, want)
			break
		}
	}
	if lines[0]["assets"] != "bin/k8s" || lines[0]["level"] != "info" {
		t.Errorf("first line %v lacks its level or key/values", lines[0])
	}
	if tee := messages(jsonLines(t, console.Bytes())); len(tee) != 2 || tee[1] != "Route table built" {
		t.Errorf("the tee got %q, want the second run's two lines", tee)
	}
}
