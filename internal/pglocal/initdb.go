package pglocal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// maxQuotedOutput bounds the output of a failed command quoted in its error.
const maxQuotedOutput = 2048

// initdb makes the data directory: trust authentication for local
// connections, superuser postgres, UTF-8, no fsync of the new files.
func (c *Cluster) initdb(ctx context.Context) error {
	return c.run(ctx, "initdb", "-D", c.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
}

// run runs a server binary to completion; its error quotes the end of its
// output (which holds no secret: the cluster has no password).
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	var out bytes.Buffer
	cmd := c.command(ctx, name, args...)
	cmd.Stdout = io.MultiWriter(c.log, &out)
	cmd.Stderr = cmd.Stdout
	if err := cmd.Run(); err != nil {
		text := strings.TrimSpace(out.String())
		if len(text) > maxQuotedOutput {
			text = "..." + text[len(text)-maxQuotedOutput:]
		}
		return fmt.Errorf("pglocal: %s: %w: %s", name, err, text)
	}
	return nil
}
