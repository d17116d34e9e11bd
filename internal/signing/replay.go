package signing

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

var (
	// ErrReplay is Remember's answer to a sign seen within the window. It
	// wraps ErrInvalid: the caller answers 401 "Invalid signature".
	ErrReplay = fmt.Errorf("%w: replayed sign", ErrInvalid)
	// ErrCacheFull is Remember's answer when the cache holds maxEntries
	// unexpired signs. The caller answers 503: a sign that cannot be
	// remembered is never let through, as it could be replayed.
	ErrCacheFull = errors.New("replay cache full")
)

// ReplayCache remembers the signs verified in the last window, so that a
// replay inside the window is refused. Its memory is bounded by maxEntries,
// at 100 to 130 bytes a sign: a cache for 2×Window at 200 signed requests a
// second takes maxEntries 120000 and at most about 16 MB. It is safe for
// concurrent use.
//
// The server remembers each sign for 2×Window: VerifyApp accepts a timestamp
// up to Window ahead of the clock, and such a request stays valid until the
// clock is Window past its timestamp.
//
// A sign is kept as a fixed-size key (the 32 bytes of a 64-hex-digit sign,
// else a SHA-256 of it) in a map, and in a FIFO of insertion order from which
// expired entries are evicted on each Remember. Times are taken relative to
// the first now (time.Time.Sub), so the monotonic clock of time.Now() values
// orders them even when the wall clock steps.
type ReplayCache struct {
	window time.Duration
	max    int

	mu      sync.Mutex
	started bool
	base    time.Time                   // the first now; times are offsets from it
	expiry  map[replayKey]time.Duration // when each remembered sign may be used again
	fifo    []replayEntry               // ring buffer, in insertion order
	head    int                         // index of the oldest entry in fifo
	n       int                         // number of entries in fifo
}

type replayKey [sha256.Size]byte

type replayEntry struct {
	key     replayKey
	expires time.Duration
}

// NewReplayCache returns a cache that refuses a sign for window after it was
// remembered, holding at most maxEntries signs. It panics unless window and
// maxEntries are positive.
func NewReplayCache(window time.Duration, maxEntries int) *ReplayCache {
	if window <= 0 || maxEntries <= 0 {
		panic(fmt.Sprintf("signing.NewReplayCache(%v, %d): window and maxEntries must be positive", window, maxEntries))
	}
	return &ReplayCache{
		window: window,
		max:    maxEntries,
		expiry: make(map[replayKey]time.Duration, min(maxEntries, 1024)),
		fifo:   make([]replayEntry, min(maxEntries, 64)),
	}
}

// Remember records sign as seen at now. It returns ErrReplay if sign was seen
// within window before now, and ErrCacheFull if the cache holds maxEntries
// unexpired signs; a sign refused is not recorded.
//
// Times are expected to grow, as time.Now() does. If now goes back, the cache
// stays correct (a sign is refused until its own expiry) but may hold entries
// longer, and so answer ErrCacheFull sooner.
func (c *ReplayCache) Remember(sign string, now time.Time) error {
	key := keyOf(sign)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started {
		c.base, c.started = now, true
	}
	at := now.Sub(c.base)
	c.evict(at)
	if expires, ok := c.expiry[key]; ok && at < expires {
		return ErrReplay
	}
	if c.n == c.max {
		return ErrCacheFull
	}
	expires := at + c.window
	if at > math.MaxInt64-c.window {
		expires = math.MaxInt64
	}
	c.expiry[key] = expires
	c.push(replayEntry{key: key, expires: expires})
	return nil
}

// Len returns the number of entries held (for tests and metrics). Expired
// entries are evicted by Remember, so Len may count some until the next call.
func (c *ReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// evict drops the entries expired at at from the head of the FIFO.
func (c *ReplayCache) evict(at time.Duration) {
	for c.n > 0 {
		e := &c.fifo[c.head]
		if e.expires > at {
			return
		}
		// The map may hold a later expiry for the same key, remembered again
		// after a step back of the clock: that one stays.
		if c.expiry[e.key] == e.expires {
			delete(c.expiry, e.key)
		}
		c.head = (c.head + 1) % len(c.fifo)
		c.n--
	}
}

// push appends e to the FIFO, growing it up to max entries.
func (c *ReplayCache) push(e replayEntry) {
	if c.n == len(c.fifo) {
		grown := make([]replayEntry, min(2*len(c.fifo), c.max))
		copied := copy(grown, c.fifo[c.head:])
		copy(grown[copied:], c.fifo[:c.head])
		c.fifo, c.head = grown, 0
	}
	c.fifo[(c.head+c.n)%len(c.fifo)] = e
	c.n++
}

// keyOf is the fixed-size key of a sign: its 32 bytes when it is 64 hex
// digits (as every sign VerifyApp accepts is), else its SHA-256. Forging a
// string whose SHA-256 equals another sign's bytes takes a SHA-256 preimage.
func keyOf(sign string) replayKey {
	var k replayKey
	if len(sign) == 2*len(k) {
		var bad byte
		for i := range k {
			hi, lo := hexValue[sign[2*i]], hexValue[sign[2*i+1]]
			bad |= hi | lo
			k[i] = hi<<4 | lo
		}
		if bad < 16 {
			return k
		}
	}
	return sha256.Sum256([]byte(sign))
}

// hexValue maps a hex digit, in either case, to its value, and any other
// byte to 0xff.
var hexValue = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			t[c] = byte(c - 'A' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()
