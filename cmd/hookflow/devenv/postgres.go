package devenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-logr/logr"

	"github.com/hookflow/hookflow/internal/pglocal"
)

const (
	// PostgresDSNFile is the file in the state directory holding the
	// connection string of the local PostgreSQL while it runs, for scripts
	// (the benchmark); it is removed on exit.
	PostgresDSNFile = "postgres.dsn"
	// PostgresSecret is the Secret, in each namespace of the samples, whose
	// key PostgresSecretKey holds the connection string.
	PostgresSecret = "hookflow-postgres"
	// PostgresSecretKey is the key of the connection string in PostgresSecret.
	PostgresSecretKey = "dsn"
	// postgresDir is the directory in the state directory that holds the
	// cluster; it is thrown away on exit, like the control plane.
	postgresDir = "postgres"
)

// localPostgres is the throw-away PostgreSQL of a dev environment.
type localPostgres struct {
	cluster *pglocal.Cluster
	// dir is stateDir/postgres, which holds the cluster (unless the server
	// cannot reach it), and is removed on stop.
	dir string
	// dsnFile is the file holding the connection string.
	dsnFile string
}

// startPostgres starts a durable PostgreSQL cluster in stateDir/postgres
// (what a previous run left there is thrown away first) and writes its
// connection string to stateDir/PostgresDSNFile.
func startPostgres(ctx context.Context, stateDir string, log logr.Logger) (*localPostgres, error) {
	dir, err := clusterDir(stateDir)
	if err != nil {
		return nil, err
	}
	pg := &localPostgres{dir: dir, dsnFile: filepath.Join(stateDir, PostgresDSNFile)}
	if err := pg.start(ctx, log); err != nil {
		return nil, errors.Join(err, pg.stop())
	}
	return pg, nil
}

// start starts the cluster and writes the DSN file.
func (pg *localPostgres) start(ctx context.Context, log logr.Logger) error {
	parent := pg.dir
	if !reachableByServer(pg.dir) {
		// Running as root, the server runs as the postgres OS user, which
		// cannot reach a private state directory.
		log.Info("The postgres OS user cannot reach the state directory; the cluster goes to the temporary directory", "dir", os.TempDir())
		parent = ""
	}
	log.Info("Starting PostgreSQL")
	cluster, err := pglocal.Start(ctx, pglocal.Options{Dir: parent, Durable: true})
	if err != nil {
		return fmt.Errorf("start PostgreSQL: %w", err)
	}
	pg.cluster = cluster
	if err := os.WriteFile(pg.dsnFile, []byte(pg.dsn()+"\n"), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", PostgresDSNFile, err)
	}
	log.Info("PostgreSQL is running", "port", cluster.Port(), "dsnFile", pg.dsnFile)
	return nil
}

// clusterDir makes an empty stateDir/postgres, open for traversal when
// running as root, as the server then runs as the postgres OS user.
func clusterDir(stateDir string) (string, error) {
	dir := filepath.Join(stateDir, postgresDir)
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove the PostgreSQL of a previous run: %w", err)
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", stateDir, err)
	}
	mode := os.FileMode(0o700)
	if os.Geteuid() == 0 {
		mode = 0o711
	}
	if err := os.Mkdir(dir, mode); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	// Mkdir applies the umask; the mode must hold as asked.
	if err := os.Chmod(dir, mode); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return dir, nil
}

// dsn is the connection string of the database hookflow, as the superuser
// (trust authentication: it holds no password).
func (pg *localPostgres) dsn() string { return pg.cluster.DSN(pglocal.Database) }

// url is the connection string as printed for people and psql.
func (pg *localPostgres) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s", pg.cluster.Port(), pglocal.Database)
}

// stop stops the cluster and removes its directory and the DSN file.
func (pg *localPostgres) stop() error {
	var errs []error
	if pg.cluster != nil {
		if err := pg.cluster.Stop(); err != nil {
			errs = append(errs, fmt.Errorf("stop PostgreSQL: %w", err))
		}
	}
	if err := os.Remove(pg.dsnFile); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	if err := os.RemoveAll(pg.dir); err != nil {
		errs = append(errs, fmt.Errorf("remove the PostgreSQL directory: %w", err))
	}
	return errors.Join(errs...)
}
