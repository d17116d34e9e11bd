package clientip

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

// FuzzClientAddr feeds ClientAddr random peers and headers. xff is split on
// "\n" into header lines. It checks that ClientAddr never panics, that the
// answer is always the peer or an address written in the headers, that an
// untrusted peer is always the answer, and that it agrees with refClientAddr,
// a plain, allocating reading of the contract.
func FuzzClientAddr(f *testing.F) {
	for _, seed := range []struct {
		remote, xff, xri string
		trustAll         bool
	}{
		{"203.0.113.7:5555", "198.51.100.1", "198.51.100.2", false},
		{"10.0.0.1:80", "203.0.113.7, 10.0.0.2", "", false},
		{"10.0.0.1:80", "198.51.100.1, 203.0.113.7, 10.0.0.3, 10.0.0.2", "", false},
		{"10.0.0.1:80", "10.0.0.4, 192.0.2.1, 10.0.0.2", "", false},
		{"10.0.0.1:80", "198.51.100.1, 203.0.113.7\n10.0.0.3\n10.0.0.2", "", false},
		{"10.0.0.1:80", "  198.51.100.1 ,\t203.0.113.7\t,   10.0.0.2  ", "", false},
		{"[2001:db8:ffff::1]:443", "2001:db8::7, 2001:db8:ffff::2", "", false},
		{"[::ffff:10.0.0.1]:1234", "::ffff:203.0.113.7", "", false},
		{"10.0.0.1:80", "203.0.113.7, garbage, 10.0.0.2", "", false},
		{"10.0.0.1:80", "203.0.113.7,,10.0.0.2,", "", false},
		{"10.0.0.1:80", "", "203.0.113.7", false},
		{"10.0.0.1:80", "\n", "", false},
		{"[fe80::1%eth0]:80", "fe80::2%eth1", "", true},
		{"bad", "203.0.113.7", "203.0.113.8", true},
		{"", "", "", false},
		{"1.2.3.4", "5.6.7.8, 9.9.9.9", "1.1.1.1", true},
	} {
		f.Add(seed.remote, seed.xff, seed.xri, seed.trustAll)
	}
	some := NewResolver(mustSet(f, "10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.1", "fe80::/10"))
	all := NewResolver(mustSet(f, "0.0.0.0/0", "::/0"))

	f.Fuzz(func(t *testing.T, remote, xffs, xri string, trustAll bool) {
		r := some
		if trustAll {
			r = all
		}
		h := http.Header{}
		if xffs != "" {
			h[headerForwardedFor] = strings.Split(xffs, "\n")
		}
		if xri != "" {
			h[headerRealIP] = []string{xri}
		}

		got, ok := r.ClientAddr(remote, h)

		peer, peerOK := refPeer(remote)
		if ok != peerOK {
			t.Fatalf("ClientAddr(%q) ok = %v, but remoteAddr parses: %v", remote, ok, peerOK)
		}
		if !ok {
			if got.IsValid() {
				t.Fatalf("ClientAddr(%q) = %v with ok=false", remote, got)
			}
			return
		}
		if !got.IsValid() || got.Is4In6() {
			t.Fatalf("ClientAddr = %v: invalid or mapped", got)
		}
		if !r.trusted.Contains(peer) && got != peer {
			t.Fatalf("untrusted peer %v: ClientAddr = %v", peer, got)
		}
		if got != peer && !inHeaders(got, h) {
			t.Fatalf("ClientAddr = %v: neither the peer %v nor in the headers %q", got, peer, h)
		}
		if want := refClientAddr(r.trusted, peer, h); got != want {
			t.Fatalf("ClientAddr(%q, %q) = %v, reference says %v", remote, h, got, want)
		}
	})
}

func refPeer(remote string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// inHeaders tells whether a is written, possibly IPv4-mapped, as an entry of
// X-Forwarded-For or as X-Real-IP.
func inHeaders(a netip.Addr, h http.Header) bool {
	var entries []string
	for _, line := range h[headerForwardedFor] {
		entries = append(entries, strings.Split(line, ",")...)
	}
	entries = append(entries, h[headerRealIP]...)
	for _, e := range entries {
		if b, err := netip.ParseAddr(strings.Trim(e, " \t")); err == nil && b.Unmap() == a {
			return true
		}
	}
	return false
}

// refClientAddr is the contract of ClientAddr, read plainly.
func refClientAddr(trusted Set, peer netip.Addr, h http.Header) netip.Addr {
	if !trusted.Contains(peer) {
		return peer
	}
	if lines, ok := h[headerForwardedFor]; ok {
		chain := strings.Split(strings.Join(lines, ","), ",")
		client := peer
		for i := len(chain) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.Trim(chain[i], " \t"))
			if err != nil {
				return client
			}
			client = a.Unmap()
			if !trusted.Contains(client) {
				return client
			}
		}
		return client
	}
	if v := h[headerRealIP]; len(v) > 0 {
		if a, err := netip.ParseAddr(strings.Trim(v[len(v)-1], " \t")); err == nil {
			return a.Unmap()
		}
	}
	return peer
}
