package signing

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testSign returns a distinct 64-hex-digit sign for i.
func testSign(i int) string {
	return AppSign([]byte("secret"), "app", fmt.Sprint(i), nil)
}

func TestReplayCache(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	c := NewReplayCache(2*Window, 10)
	sign := testSign(0)
	steps := []struct {
		name string
		sign string
		at   time.Duration
		want error
	}{
		{"first", sign, 0, nil},
		{"replay at once", sign, 0, ErrReplay},
		{"replay just inside the window", sign, 2*Window - time.Nanosecond, ErrReplay},
		{"another sign", testSign(1), time.Second, nil},
		{"same bytes in upper case is the same sign", strings.ToUpper(testSign(1)), 2 * time.Second, ErrReplay},
		{"not hex", "not-a-hex-sign", 3 * time.Second, nil},
		{"not hex, replayed", "not-a-hex-sign", 4 * time.Second, ErrReplay},
		{"empty", "", 5 * time.Second, nil},
		{"expired: passes again", sign, 2 * Window, nil},
		{"the second one, still remembered", testSign(1), 2*Window + time.Second - time.Nanosecond, ErrReplay},
		{"and is remembered again", sign, 2*Window + time.Second, ErrReplay},
		{"the second one, expired", testSign(1), 2*Window + time.Second, nil},
	}
	for _, s := range steps {
		if err := c.Remember(s.sign, t0.Add(s.at)); !errors.Is(err, s.want) || (s.want == nil && err != nil) {
			t.Fatalf("%s: Remember() = %v, want %v", s.name, err, s.want)
		}
	}
	if !errors.Is(ErrReplay, ErrInvalid) {
		t.Error("ErrReplay does not wrap ErrInvalid")
	}
	if errors.Is(ErrCacheFull, ErrInvalid) {
		t.Error("ErrCacheFull wraps ErrInvalid: the caller would answer 401 instead of 503")
	}
}

func TestReplayCacheEvicts(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	c := NewReplayCache(time.Minute, 1000)
	for i := range 300 {
		if err := c.Remember(testSign(i), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatalf("Remember(%d) = %v", i, err)
		}
	}
	// Signs 0 to 239 expired (at 60 s to 299 s); 240 to 299 are held.
	if got := c.Len(); got != 60 {
		t.Errorf("Len() = %d, want 60", got)
	}
	if got := len(c.expiry); got != 60 {
		t.Errorf("the map holds %d keys, want 60", got)
	}
	if err := c.Remember(testSign(240), t0.Add(299*time.Second)); !errors.Is(err, ErrReplay) {
		t.Errorf("Remember(240) = %v, want ErrReplay", err)
	}
	if err := c.Remember(testSign(239), t0.Add(299*time.Second)); err != nil {
		t.Errorf("Remember(239) = %v, want nil", err)
	}
	if err := c.Remember(testSign(0), t0.Add(time.Hour)); err != nil {
		t.Errorf("Remember(0) an hour later = %v, want nil", err)
	}
	if got := c.Len(); got != 1 {
		t.Errorf("Len() an hour later = %d, want 1", got)
	}
}

func TestReplayCacheFull(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	c := NewReplayCache(time.Minute, 3)
	for i := range 3 {
		if err := c.Remember(testSign(i), t0); err != nil {
			t.Fatalf("Remember(%d) = %v", i, err)
		}
	}
	if err := c.Remember(testSign(3), t0.Add(59*time.Second)); !errors.Is(err, ErrCacheFull) {
		t.Fatalf("Remember() on a full cache = %v, want ErrCacheFull", err)
	}
	if err := c.Remember(testSign(0), t0.Add(59*time.Second)); !errors.Is(err, ErrReplay) {
		t.Errorf("a replay on a full cache = %v, want ErrReplay", err)
	}
	if c.Len() != 3 {
		t.Errorf("Len() = %d, want 3", c.Len())
	}
	// Once the first ones expire, there is room again, and the refused sign
	// was not recorded.
	if err := c.Remember(testSign(3), t0.Add(time.Minute)); err != nil {
		t.Errorf("Remember() after expiry = %v, want nil", err)
	}
}

func TestReplayCacheClockStepsBack(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	c := NewReplayCache(time.Minute, 100)
	mustRemember := func(i int, at time.Duration, want error) {
		t.Helper()
		if err := c.Remember(testSign(i), t0.Add(at)); !errors.Is(err, want) || (want == nil && err != nil) {
			t.Fatalf("Remember(%d) at %v = %v, want %v", i, at, err, want)
		}
	}
	mustRemember(0, 10*time.Minute, nil)
	mustRemember(1, 0, nil)                    // the clock went back 10 minutes
	mustRemember(1, 59*time.Second, ErrReplay) // within its own minute
	mustRemember(1, time.Minute, nil)          // its own minute is over, though 0 is still held
	mustRemember(1, time.Minute+time.Second, ErrReplay)
	mustRemember(0, 10*time.Minute+59*time.Second, ErrReplay)
	mustRemember(0, 11*time.Minute, nil)
	mustRemember(1, 11*time.Minute, nil)
	if got := c.Len(); got != 2 {
		t.Errorf("Len() = %d, want 2", got)
	}
	if got := len(c.expiry); got != 2 {
		t.Errorf("the map holds %d keys, want 2", got)
	}
}

func TestReplayCacheGrowsInOrder(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	c := NewReplayCache(100*time.Second, 1000)
	remember := func(i int, at time.Duration, want error) {
		t.Helper()
		if err := c.Remember(testSign(i), t0.Add(at)); !errors.Is(err, want) || (want == nil && err != nil) {
			t.Fatalf("Remember(%d) at %v = %v, want %v", i, at, err, want)
		}
	}
	// One sign a second for 200 s: the ring holds 100 and has wrapped around.
	for i := range 200 {
		remember(i, time.Duration(i)*time.Second, nil)
	}
	// 300 signs at once make it grow while wrapped.
	for i := 1000; i < 1300; i++ {
		remember(i, 250*time.Second, nil)
	}
	if c.Len() != 49+300 {
		t.Fatalf("Len() = %d, want 349 (signs 151 to 199, and the 300)", c.Len())
	}
	// At 300 s the first 200 have expired, in order, and the 300 are held.
	remember(0, 300*time.Second, nil)
	if c.Len() != 301 || len(c.expiry) != 301 {
		t.Fatalf("Len() = %d, map %d, want 301", c.Len(), len(c.expiry))
	}
	for i := 1000; i < 1300; i++ {
		remember(i, 349*time.Second, ErrReplay)
	}
	remember(1299, 350*time.Second, nil)
}

func TestReplayCacheBounded(t *testing.T) {
	c := NewReplayCache(time.Hour, 100)
	t0 := time.Unix(1700000000, 0)
	for i := range 1000 {
		err := c.Remember(testSign(i), t0)
		if (i < 100) != (err == nil) {
			t.Fatalf("Remember(%d) = %v", i, err)
		}
	}
	if c.Len() != 100 || len(c.fifo) != 100 || len(c.expiry) != 100 {
		t.Errorf("Len() = %d, ring %d, map %d; want 100 each", c.Len(), len(c.fifo), len(c.expiry))
	}
}

func TestReplayCacheConcurrent(t *testing.T) {
	const goroutines, signs = 8, 2000
	c := NewReplayCache(2*Window, goroutines*signs)
	now := time.Now()
	var accepted, replays atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			// Every goroutine sends the same signs: each is accepted once.
			for i := range signs {
				switch err := c.Remember(testSign(i), now); {
				case err == nil:
					accepted.Add(1)
				case errors.Is(err, ErrReplay):
					replays.Add(1)
				default:
					t.Errorf("Remember() = %v", err)
				}
				_ = c.Len()
			}
		})
	}
	wg.Wait()
	if accepted.Load() != signs || replays.Load() != (goroutines-1)*signs {
		t.Errorf("accepted %d and refused %d, want %d and %d", accepted.Load(), replays.Load(), signs, (goroutines-1)*signs)
	}
}

func TestNewReplayCachePanics(t *testing.T) {
	for _, args := range []struct {
		window time.Duration
		max    int
	}{{0, 1}, {-time.Second, 1}, {time.Second, 0}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewReplayCache(%v, %d) did not panic", args.window, args.max)
				}
			}()
			NewReplayCache(args.window, args.max)
		}()
	}
}
