package signing

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func BenchmarkVerifyApp(b *testing.B) {
	for _, size := range []int{0, 1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("body=%d", size), func(b *testing.B) {
			creds := AppCredentials{AppKey: "shop-app-key", SecretKey: []byte("0123456789abcdef0123456789abcdef")}
			body := []byte(strings.Repeat("x", size))
			const ts = "1700000000"
			req := AppRequest{creds.AppKey, ts, AppSign(creds.SecretKey, creds.AppKey, ts, body)}
			now := time.Unix(1700000000, 0)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := VerifyApp(creds, req, body, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReplayCache remembers distinct signs at a steady rate: each sign
// comes back after its entry expired, and the cache holds about half of
// them, as on a server under constant load.
func BenchmarkReplayCache(b *testing.B) {
	const distinct = 1 << 16
	signs := make([]string, distinct)
	for i := range signs {
		signs[i] = testSign(i)
	}
	const window = 2 * Window
	step := window / (distinct / 2) // a sign returns after 2 windows
	t0 := time.Now()

	b.Run("serial", func(b *testing.B) {
		c := NewReplayCache(window, distinct)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := c.Remember(signs[i%distinct], t0.Add(time.Duration(i)*step)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		c := NewReplayCache(window, distinct)
		var next atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1)
				// Goroutines may call in a slightly different order than
				// i: a rare replay is fine here, a full cache is not.
				if err := c.Remember(signs[i%distinct], t0.Add(time.Duration(i)*step)); err == ErrCacheFull {
					b.Fatal(err)
				}
			}
		})
	})
}
