package pglocal

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// errNoServer tells how to get the server binaries.
var errNoServer = errors.New("PostgreSQL server binaries (initdb, postgres, pg_ctl) not found: install them, e.g. `apt-get install postgresql`")

// serverBinaries are the programs a cluster runs.
var serverBinaries = []string{"initdb", "postgres", "pg_ctl"}

// findBinDir returns the directory of the server binaries: the one
// `pg_config --bindir` names when it holds them, else the highest version
// under /usr/lib/postgresql/*/bin.
func findBinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); hasServerBinaries(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if hasServerBinaries(dir) {
			return dir, nil
		}
	}
	return "", errNoServer
}

func hasServerBinaries(dir string) bool {
	for _, name := range serverBinaries {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.IsDir() || info.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionOf reads the major version of /usr/lib/postgresql/<version>/bin.
func versionOf(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return -1
	}
	return v
}

// binPath is the path of a server binary.
func (c *Cluster) binPath(name string) string {
	return filepath.Join(c.binDir, name)
}
