package pglocal

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
)

// osUser is the OS user the server binaries run as when hookflow runs as
// root, as initdb and postgres refuse to run as root.
type osUser struct {
	name     string
	uid, gid int
}

// serverUser returns the postgres OS user when running as root, nil
// otherwise (the binaries then run as the current user).
func serverUser() (*osUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pglocal: running as root needs the postgres OS user, which the postgresql package creates: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("pglocal: uid of the postgres user: %w", err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("pglocal: gid of the postgres user: %w", err)
	}
	return &osUser{name: u.Username, uid: uid, gid: gid}, nil
}

// own gives dir to the user; nothing for a nil user.
func (u *osUser) own(dir string) error {
	if u == nil {
		return nil
	}
	return os.Chown(dir, u.uid, u.gid)
}

// command runs the server binary name as the cluster's user, through
// `runuser -u postgres --` when running as root, in the cluster's
// directory (readable by that user), with its output going to the log.
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	path := c.binPath(name)
	var cmd *exec.Cmd
	if c.user == nil {
		cmd = exec.CommandContext(ctx, path, args...)
	} else {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.user.name, "--", path}, args...)...)
	}
	cmd.Dir = c.dir
	cmd.Stdout, cmd.Stderr = c.log, c.log
	return cmd
}
