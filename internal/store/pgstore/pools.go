package pgstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of PoolOptions.
const (
	defaultMaxConns       = 16
	defaultConnectTimeout = 5 * time.Second
	applicationName       = "hookflow"
)

// errInvalidConnection is the error of a connection string that does not
// parse. It is fixed: the parser's own error may quote the string, and
// with it a password.
var errInvalidConnection = errors.New("invalid PostgreSQL connection string")

// PoolOptions size the pools.
type PoolOptions struct {
	// MaxConns is the size of each pool, unless the connection string sets
	// pool_max_conns; 16 when zero.
	MaxConns int32
	// ConnectTimeout bounds a connection attempt, unless the connection
	// string sets connect_timeout; 5s when zero.
	ConnectTimeout time.Duration
}

// Pools holds one connection pool per distinct connection string, opened
// on first use. It is safe for concurrent use.
type Pools struct {
	opts PoolOptions

	mu     sync.Mutex
	pools  map[string]*pgxpool.Pool // by connection string, which holds a password: never logged
	closed bool
}

// NewPools returns an empty set of pools.
func NewPools(opts PoolOptions) *Pools {
	if opts.MaxConns <= 0 {
		opts.MaxConns = defaultMaxConns
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = defaultConnectTimeout
	}
	return &Pools{opts: opts, pools: map[string]*pgxpool.Pool{}}
}

// Get returns the pool of a connection string, opening it (without
// connecting yet) on first use. A connection string that does not parse
// gives an error that does not quote it.
func (p *Pools) Get(connString string) (*pgxpool.Pool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errClosed
	}
	if pool, ok := p.pools[connString]; ok {
		return pool, nil
	}
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, errInvalidConnection
	}
	if !strings.Contains(connString, "pool_max_conns") {
		cfg.MaxConns = p.opts.MaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = p.opts.ConnectTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = applicationName
	}
	// With no minimum of connections, opening the pool does no I/O.
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		return nil, errInvalidConnection
	}
	p.pools[connString] = pool
	return pool, nil
}

// Close closes every pool; Get fails afterwards.
func (p *Pools) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, pool := range p.pools {
		pool.Close()
	}
	clear(p.pools)
}
