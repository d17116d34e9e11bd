// Command kubectl-hookflow is the kubectl plugin of hookflow: `kubectl
// hookflow url` prints a Workflow's webhook URL, and `kubectl hookflow send`
// calls it, signed with the Workflow's own Secrets, as an external system
// would.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // an error, or an answer that is not 2xx
	exitUsage   = 2 // bad command line
)

const usage = `kubectl hookflow: the webhook URLs of hookflow Workflows.

Usage:
  kubectl hookflow url WORKFLOW [-n NAMESPACE]
      Print the Workflow's webhook URL (status.webhookURL).

  kubectl hookflow send WORKFLOW [-n NAMESPACE] [--data JSON|@FILE|@-]
          [--method GET|POST] [--header 'NAME: VALUE']... [--query NAME=VALUE]...
          [--idempotency-key KEY] [--url URL] [-v]
      Call the Workflow's webhook as a sender would: sign the request with the
      Workflow's own Secrets (security.appAuth, security.signature), print
      "HTTP <code>" and the answer's body. Exits 0 on a 2xx answer, else 1.

  kubectl hookflow find ID|URL
      Find the Workflow of a webhook id or URL in all namespaces (by its label
      hookflow.dev/webhook-id): namespace/name, Ready, URL, server. Exits 1
      when none is found.

  kubectl hookflow docs [WORKFLOW] [-n NAMESPACE]
      Print the URL of the API documentation (/docs) of the WebhookServer of
      WORKFLOW, or of the namespace's WebhookServer "default".

  kubectl hookflow capture WORKFLOW [-n NAMESPACE] [--timeout 3m]
      Capture a sample from a live request (sample.source Capture): open a
      3-minute window, show a countdown, and print the sample to commit once
      the first GET or POST to the URL is captured. Exits 1 when the window
      closes with no request.

  kubectl hookflow records WORKSHEET [-n NAMESPACE] [--limit 50] [-o json]
      Print the records of a Worksheet kept as WorksheetRecords, newest
      first: one column per field, CREATED BY (workflow/run) and AGE. Exits
      1 for a Worksheet kept in PostgreSQL (its records are in its table).

  kubectl hookflow runs WORKFLOW [-n NAMESPACE] [--limit 20] [-o json]
      Print the recent runs of a Workflow, newest first: phase, HTTP status
      code, duration, error, the run it reran, and age.

  kubectl hookflow rerun RUN [-n NAMESPACE] [--wait] [--timeout 2m]
      Run a failed WorkflowRun again with the params and request it kept, as
      a new run linked to it (status.rerunOf). Refused for a run that is not
      Failed or already has a rerun. With --wait, print the rerun's outcome.

  kubectl hookflow help [COMMAND]
      Print this help, or the flags of COMMAND.

The commands read the Workflow (and for send its Secrets) with your own
kubeconfig and accept the usual kubectl flags: --kubeconfig, --context,
-n/--namespace, --as, ... Run 'kubectl hookflow COMMAND --help' for all flags.

Exit status: 0 on success, 1 on failure (for send: an answer that is not 2xx),
2 on a usage error.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args (without the program name) and returns
// the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	commands := map[string]func([]string, io.Writer, io.Writer) int{
		"url":     runURL,
		"send":    runSend,
		"find":    runFind,
		"docs":    runDocs,
		"capture": runCapture,
		"records": runRecords,
		"runs":    runRuns,
		"rerun":   runRerun,
	}
	name, rest := splitCommand(args)
	switch {
	case name == "help":
		if len(rest) > 0 {
			if cmd, ok := commands[rest[0]]; ok {
				return cmd([]string{"--help"}, stdout, stderr)
			}
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	case name == "" && (slices.Contains(args, "-h") || slices.Contains(args, "--help")):
		fmt.Fprint(stdout, usage)
		return exitOK
	case name == "":
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "error: unknown command %q\nSee 'kubectl hookflow --help'.\n", name)
		return exitUsage
	}
	return cmd(rest, stdout, stderr)
}

// splitCommand returns the command name, the first argument that is neither
// a flag nor the value of a kubeconfig flag, and the other arguments: the
// kubeconfig flags may come before the command, as in
// `kubectl-hookflow --kubeconfig .dev/kubeconfig send ...`.
func splitCommand(args []string) (string, []string) {
	kubeFlags := pflag.NewFlagSet("kube", pflag.ContinueOnError)
	bindKubeFlags(kubeFlags)
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return "", args
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			return arg, append(args[:i:i], args[i+1:]...)
		}
		if strings.Contains(arg, "=") {
			continue
		}
		var f *pflag.Flag
		if name, long := strings.CutPrefix(arg, "--"); long {
			f = kubeFlags.Lookup(name)
		} else if len(arg) == 2 {
			f = kubeFlags.ShorthandLookup(arg[1:])
		}
		if f != nil && f.NoOptDefVal == "" {
			i++ // the flag's value
		}
	}
	return "", args
}

// cli is the command line of one command: its own flags, the kubeconfig
// flags, and where it writes.
type cli struct {
	name, synopsis string
	flags          *pflag.FlagSet // the command's own flags
	kube           *kubeFlags
	kubeFlagSet    *pflag.FlagSet
	stdout, stderr io.Writer
}

func newCLI(name, synopsis string, stdout, stderr io.Writer) *cli {
	c := &cli{
		name:        name,
		synopsis:    synopsis,
		flags:       pflag.NewFlagSet(name, pflag.ContinueOnError),
		kubeFlagSet: pflag.NewFlagSet("kube", pflag.ContinueOnError),
		stdout:      stdout,
		stderr:      stderr,
	}
	c.kube = bindKubeFlags(c.kubeFlagSet)
	return c
}

// parse parses args and returns the one positional argument, WORKFLOW. A
// code of -1 means go on; any other is the exit code of a command that
// stops here (help, or a bad command line).
func (c *cli) parse(args []string) (string, int) {
	all := pflag.NewFlagSet("kubectl hookflow "+c.name, pflag.ContinueOnError)
	all.SetOutput(io.Discard)
	all.Usage = func() {}
	all.AddFlagSet(c.flags)
	all.AddFlagSet(c.kubeFlagSet)
	err := all.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp):
		fmt.Fprintln(c.stdout, c.synopsis)
		if c.flags.HasFlags() {
			fmt.Fprintf(c.stdout, "Flags:\n%s\n", c.flags.FlagUsages())
		}
		fmt.Fprintf(c.stdout, "Kubernetes flags:\n%s", c.kubeFlagSet.FlagUsages())
		return "", exitOK
	case err != nil:
		return "", c.usageError(err.Error())
	case all.NArg() != 1:
		return "", c.usageError(fmt.Sprintf("want one WORKFLOW name, got %d arguments", all.NArg()))
	}
	return all.Arg(0), -1
}

func (c *cli) usageError(msg string) int {
	fmt.Fprintf(c.stderr, "error: %s\nSee 'kubectl hookflow %s --help'.\n", msg, c.name)
	return exitUsage
}

// fail prints err on one line and returns the failure exit code.
func (c *cli) fail(err error) int {
	fmt.Fprintf(c.stderr, "error: %v\n", err)
	return exitFailure
}
