package clientip

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
)

func BenchmarkClientAddr(b *testing.B) {
	r := NewResolver(mustSet(b, "10.0.0.0/8", "192.168.0.0/16", "2001:db8:ffff::/48"))
	for _, bc := range []struct {
		name   string
		remote string
		h      http.Header
	}{
		{"untrusted", "203.0.113.7:5555", http.Header{}},
		{"untrusted/spoofed", "203.0.113.7:5555", hdr(xff, "198.51.100.1, 10.0.0.2", xri, "198.51.100.1")},
		{"untrusted/ipv6", "[2001:db8::1]:443", http.Header{}},
		{"trusted/xff", "10.0.0.1:80", hdr(xff, "203.0.113.7")},
		{"trusted/chain", "10.0.0.1:80", hdr(xff, "198.51.100.1, 203.0.113.7, 10.0.0.3, 192.168.1.2")},
		{"trusted/chain-lines", "10.0.0.1:80", hdr(xff, "198.51.100.1, 203.0.113.7", xff, "10.0.0.3", xff, "192.168.1.2")},
		{"trusted/x-real-ip", "10.0.0.1:80", hdr(xri, "203.0.113.7")},
		{"trusted/ipv6-chain", "[2001:db8:ffff::1]:443", hdr(xff, "2001:db8::7, 2001:db8:ffff::2")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := r.ClientAddr(bc.remote, bc.h); !ok {
					b.Fatal("not ok")
				}
			}
		})
	}
}

// BenchmarkContains measures Set.Contains (sorted merged ranges, binary
// search) against a linear scan of netip.Prefix, the obvious alternative.
func BenchmarkContains(b *testing.B) {
	for _, n := range []int{1, 3, 16, 64, 256} {
		entries := make([]string, n)
		prefixes := make([]netip.Prefix, n)
		for i := range n {
			if i%2 == 0 {
				entries[i] = fmt.Sprintf("198.%d.%d.0/24", 18+i/256, i%256)
			} else {
				entries[i] = fmt.Sprintf("2001:db8:%x::/48", i)
			}
			prefixes[i] = netip.MustParsePrefix(entries[i])
		}
		s := mustSet(b, entries...)
		hit := prefixes[n/2].Addr().Next()
		miss := netip.MustParseAddr("203.0.113.7")
		for _, a := range []struct {
			name string
			addr netip.Addr
		}{{"hit", hit}, {"miss", miss}} {
			b.Run(fmt.Sprintf("set/n=%d/%s", n, a.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s.Contains(a.addr)
				}
			})
			b.Run(fmt.Sprintf("linear/n=%d/%s", n, a.name), func(b *testing.B) {
				for b.Loop() {
					linearContains(prefixes, a.addr)
				}
			})
		}
	}
}

func linearContains(ps []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
