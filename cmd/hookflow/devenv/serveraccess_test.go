package devenv

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestSearchable checks the search permission of a user that neither owns
// nor shares the group of a directory: it needs the bit for others on the
// directory and on each parent.
func TestSearchable(t *testing.T) {
	base, err := os.MkdirTemp("", "searchable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, "state", "postgres")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	stranger, strangerGroup := st.Uid+4242, st.Gid+4242

	if !searchable(dir, st.Uid, st.Gid) {
		t.Error("the owner cannot search its own private directories")
	}
	if searchable(dir, stranger, strangerGroup) {
		t.Error("another user can search private directories")
	}
	for _, p := range []string{base, filepath.Join(base, "state")} {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	if searchable(dir, stranger, strangerGroup) {
		t.Error("another user can search a private directory under open parents")
	}
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	if !searchable(dir, stranger, strangerGroup) {
		t.Error("another user cannot search a directory open to others, under open parents")
	}
	if err := os.Chmod(dir, 0o710); err != nil {
		t.Fatal(err)
	}
	if !searchable(dir, stranger, st.Gid) || searchable(dir, stranger, strangerGroup) {
		t.Error("the group's search bit is not counted for the group only")
	}
}
