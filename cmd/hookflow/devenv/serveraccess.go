package devenv

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// reachableByServer tells whether the PostgreSQL server can reach dir. As
// root, pglocal runs the server as the postgres OS user, which needs the
// search permission on dir and each of its parents; otherwise the server
// runs as the current user. When the postgres user is missing it answers
// true, and pglocal says what is missing.
func reachableByServer(dir string) bool {
	if os.Geteuid() != 0 {
		return true
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return true
	}
	uid, errUID := strconv.Atoi(u.Uid)
	gid, errGID := strconv.Atoi(u.Gid)
	if errUID != nil || errGID != nil {
		return true
	}
	return searchable(dir, uint32(uid), uint32(gid))
}

// searchable tells whether the user uid, of primary group gid, may search
// dir and each of its parents (supplementary groups are not counted).
func searchable(dir string, uid, gid uint32) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for p := abs; ; p = filepath.Dir(p) {
		info, err := os.Stat(p)
		if err != nil {
			return false
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return false
		}
		perm := info.Mode().Perm()
		var bit os.FileMode
		switch {
		case st.Uid == uid:
			bit = 0o100
		case st.Gid == gid:
			bit = 0o010
		default:
			bit = 0o001
		}
		if perm&bit == 0 {
			return false
		}
		if p == filepath.Dir(p) {
			return true
		}
	}
}
