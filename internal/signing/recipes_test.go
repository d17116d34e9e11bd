package signing

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// recipesDoc is the page whose code blocks TestSigningRecipes runs.
const recipesDoc = "docs/signing.md"

// recipeRunner runs the code blocks of one language: the programs it needs,
// each with the Debian package that has it, and the command line.
type recipeRunner struct {
	programs map[string]string // program: Debian package
	file     string            // the file the block is written to
	command  func(file string) []string
}

var recipeRunners = map[string]recipeRunner{
	"bash": {
		programs: map[string]string{"bash": "bash", "curl": "curl", "openssl": "openssl"},
		file:     "sign.sh",
		command:  func(file string) []string { return []string{"bash", file} },
	},
	"python": {
		programs: map[string]string{"python3": "python3"},
		file:     "sign.py",
		command:  func(file string) []string { return []string{"python3", file} },
	},
	"js": {
		programs: map[string]string{"node": "nodejs"},
		file:     "sign.cjs", // CommonJS whatever package.json is around
		command:  func(file string) []string { return []string{"node", file} },
	},
}

// notRun are the languages of blocks that are not programs.
var notRun = map[string]bool{"text": true, "yaml": true}

// TestSigningRecipes runs each recipe of docs/signing.md for real against a
// local server, and checks that the server receives what VerifyApp accepts.
// A missing interpreter is a failure, not a skip: CI installs them.
func TestSigningRecipes(t *testing.T) {
	blocks := codeBlocks(t, filepath.Join(moduleRoot(t), recipesDoc))
	for lang := range recipeRunners {
		if n := len(blocks[lang]); n != 1 {
			t.Errorf("%s has %d %q code blocks, want 1", recipesDoc, n, lang)
		}
	}
	for lang := range blocks {
		if _, ok := recipeRunners[lang]; !ok && !notRun[lang] {
			t.Errorf("%s has a %q code block: add a runner to this test, or mark it text", recipesDoc, lang)
		}
	}
	for lang, runner := range recipeRunners {
		for _, code := range blocks[lang] {
			t.Run(lang, func(t *testing.T) {
				t.Parallel()
				runRecipe(t, runner, code)
			})
		}
	}
}

// The fixed values given to each recipe: the body has non-ASCII text,
// characters special to shells and printf, and a trailing newline.
const (
	recipeAppKey    = "shop.app-1"
	recipeSecretKey = `s3cr3t key with spaces, $HOME, 'quotes' and "dq"`
	recipeTimestamp = "1700000000"
	recipeBody      = `{"order_id":"A-1001","note":"Grüße – 'a' \"b\" $HOME %s %% \\ ` + "`x`" + `"}` + "\n"
)

// received is what the test server saw of one request.
type received struct {
	method string
	header http.Header
	query  url.Values
	body   []byte
}

func runRecipe(t *testing.T, runner recipeRunner, code string) {
	for program, pkg := range runner.programs {
		if _, err := exec.LookPath(program); err != nil {
			t.Fatalf("%s is needed to run this recipe: install the Debian package %s (apt-get install %s): %v", program, pkg, pkg, err)
		}
	}
	if _, ok := runner.programs["node"]; ok {
		checkNodeVersion(t)
	}

	var (
		mu   sync.Mutex
		reqs []received
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		mu.Lock()
		reqs = append(reqs, received{r.Method, r.Header.Clone(), r.URL.Query(), body})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"msg":"success","runId":"recipe-test"}`)
	}))
	defer srv.Close()

	file := filepath.Join(t.TempDir(), runner.file)
	if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := runner.command(file)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = filepath.Dir(file)
	cmd.Env = append(recipeEnviron(),
		"APP_KEY="+recipeAppKey,
		"SECRET_KEY="+recipeSecretKey,
		"URL="+srv.URL+"/hooks/0123456789abcdef",
		"BODY="+recipeBody,
		"TIMESTAMP="+recipeTimestamp,
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if !bytes.Contains(out, []byte("success")) {
		t.Errorf("the recipe did not print the answer; output:\n%s", out)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(reqs) != 1 {
		t.Fatalf("the server received %d requests, want 1; output:\n%s", len(reqs), out)
	}
	got := reqs[0]
	if got.method != http.MethodPost {
		t.Errorf("method %s, want POST", got.method)
	}
	if string(got.body) != recipeBody {
		t.Errorf("body %q, want %q", got.body, recipeBody)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	req := AppRequestFrom(got.header, got.query)
	want := AppRequest{recipeAppKey, recipeTimestamp, AppSign([]byte(recipeSecretKey), recipeAppKey, recipeTimestamp, []byte(recipeBody))}
	if req != want {
		t.Errorf("the server received %+v, want %+v", req, want)
	}
	creds := AppCredentials{AppKey: recipeAppKey, SecretKey: []byte(recipeSecretKey)}
	ts, _ := strconv.ParseInt(recipeTimestamp, 10, 64)
	if err := VerifyApp(creds, req, got.body, time.Unix(ts, 0)); err != nil {
		t.Errorf("VerifyApp() = %v", err)
	}
}

// recipeEnviron is this process's environment without the proxy settings,
// which would send the recipes' requests to 127.0.0.1 elsewhere, and without
// the recipes' own variables.
func recipeEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
			"APP_KEY", "SECRET_KEY", "URL", "BODY", "TIMESTAMP":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// checkNodeVersion fails the test if node is older than 18, the first with
// fetch.
func checkNodeVersion(t *testing.T) {
	t.Helper()
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	version := strings.TrimSpace(string(out))
	major, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(version, ".", 2)[0], "v"))
	if err != nil || major < 18 {
		t.Fatalf("node %s: the recipe needs Node.js 18 or later (Debian package nodejs)", version)
	}
}

// fence matches the first line of a fenced code block and its language.
var fence = regexp.MustCompile("^```([A-Za-z0-9_+-]*)\\s*$")

// codeBlocks returns the fenced code blocks of a Markdown file by language.
func codeBlocks(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blocks := map[string][]string{}
	var (
		lang   string
		code   strings.Builder
		inside bool
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case !inside:
			if m := fence.FindStringSubmatch(line); m != nil {
				lang, inside = m[1], true
				code.Reset()
			}
		case strings.TrimSpace(line) == "```":
			blocks[lang] = append(blocks[lang], code.String())
			inside = false
		default:
			code.WriteString(line)
			code.WriteByte('\n')
		}
		if inside && lang == "" {
			t.Fatalf("%s:%d: a code block without a language", path, n)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if inside {
		t.Fatalf("%s: a code block is not closed", path)
	}
	return blocks
}

// moduleRoot walks up from the working directory to the directory of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}
