package devenv

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// LogFile is the file in the state directory that receives the logs of
// `hookflow dev`, appended to from run to run.
const LogFile = "hookflow.log"

// OpenLog opens dir/LogFile for appending, creating dir and the file,
// readable by the user only.
func OpenLog(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, LogFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the log %s: %w", path, err)
	}
	return f, nil
}

// NewLogger is the logger of `hookflow dev`: zap as opts say (by default
// JSON, at info level), writing to file and, when tee is set, to tee too.
// opts.DestWriter is ignored.
func NewLogger(opts zap.Options, file io.Writer, tee io.Writer) logr.Logger {
	opts.DestWriter = file
	if tee != nil {
		opts.DestWriter = io.MultiWriter(file, tee)
	}
	return zap.New(zap.UseFlagOptions(&opts))
}
