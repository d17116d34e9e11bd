package idsalt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreateFile returns the salt kept in the file at path, creating the
// file (readable by the user only, 0600) with a new random salt when it does
// not exist. The file holds the salt's raw bytes. Two processes creating it
// at once agree: the file appears whole, once, and the second reads it.
func LoadOrCreateFile(path string) ([]byte, error) {
	salt, err := readFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return salt, err
	}
	if salt, err = generate(); err != nil {
		return nil, err
	}
	created, err := createFile(path, salt)
	if err != nil {
		return nil, err
	}
	if !created {
		return readFile(path)
	}
	return salt, nil
}

func readFile(path string) ([]byte, error) {
	salt, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read webhook id salt: %w", err)
	}
	if len(salt) == 0 {
		return nil, fmt.Errorf("webhook id salt file %s is empty: delete it to let hookflow create one", path)
	}
	return salt, nil
}

// createFile writes salt to a temporary file beside path and links it to
// path, so that path never holds a partial salt. It reports false when path
// already existed.
func createFile(path string, salt []byte) (bool, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".webhook-id-salt-*") // mode 0600
	if err != nil {
		return false, fmt.Errorf("create webhook id salt file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(salt); err != nil {
		_ = tmp.Close()
		return false, fmt.Errorf("write webhook id salt file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("write webhook id salt file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("create webhook id salt file: %w", err)
	}
	return true, nil
}
