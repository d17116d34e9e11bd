// Command hookflow is the hookflow operator: `hookflow manager` runs the
// controllers, `hookflow server` the webhook server, and `hookflow dev`
// both against a local control plane. The dev command, with envtest, is
// compiled in with the build tag dev only (`make dev` builds with it); the
// binary of the image has manager and server.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

const usage = `hookflow turns Workflow resources into webhook URLs.

Usage:
  hookflow manager [flags]   run the controllers
  hookflow server [flags]    run the webhook server of one WebhookServer
  hookflow dev [flags]       run a local control plane, the controllers and a
                             server on 127.0.0.1:8080, and apply the samples
                             (in a binary built with -tags dev: make dev)

Run 'hookflow <command> -h' for the flags of a command.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	commands := map[string]func([]string) error{
		"manager": runManager,
		"server":  runServer,
		"dev":     runDev,
	}
	run, ok := commands[os.Args[1]]
	if !ok {
		if os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
			fmt.Print(usage)
			return
		}
		fmt.Fprintf(os.Stderr, "hookflow: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err := run(os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "hookflow %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
