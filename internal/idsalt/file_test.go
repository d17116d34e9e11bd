package idsalt

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "webhook-id-salt")
	first, err := LoadOrCreateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != Size {
		t.Errorf("salt has %d bytes, want %d", len(first), Size)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %v, want 0600", perm)
	}
	again, err := LoadOrCreateFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Error("the salt changed between runs")
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the state directory holds %d files, want only the salt", len(entries))
	}
}

func TestLoadOrCreateFileConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "webhook-id-salt")
	const n = 8
	salts := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			salts[i], errs[i] = LoadOrCreateFile(path)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(salts[i], salts[0]) {
			t.Fatal("concurrent callers got different salts")
		}
	}
}

func TestLoadOrCreateFileRefusesAnEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "webhook-id-salt")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadOrCreateFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v, want one naming the empty file", err)
	}
}
