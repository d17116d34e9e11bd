package clientip

import (
	"net/http"
	"net/netip"
	"testing"
)

// hdr builds a header from key/value pairs; a key repeated adds a line.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

const (
	xff = "X-Forwarded-For"
	xri = "X-Real-IP"
)

func TestClientAddr(t *testing.T) {
	r := NewResolver(mustSet(t, "10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.1"))
	for _, tc := range []struct {
		name   string
		remote string
		h      http.Header
		want   string // "" for ok=false
	}{
		// Untrusted peers: headers ignored.
		{"untrusted peer, no headers", "203.0.113.7:5555", nil, "203.0.113.7"},
		{"untrusted peer, spoofed XFF ignored", "203.0.113.7:5555", hdr(xff, "198.51.100.1"), "203.0.113.7"},
		{"untrusted peer, spoofed X-Real-IP ignored", "203.0.113.7:5555", hdr(xri, "198.51.100.1"), "203.0.113.7"},
		{"untrusted peer, spoofed trusted-looking XFF ignored", "203.0.113.7:5555", hdr(xff, "10.0.0.1", xri, "10.0.0.2"), "203.0.113.7"},
		{"untrusted IPv6 peer", "[2001:db8::1]:443", hdr(xff, "198.51.100.1"), "2001:db8::1"},

		// Trusted peers.
		{"trusted peer, no headers", "10.0.0.1:80", nil, "10.0.0.1"},
		{"trusted peer, single XFF", "10.0.0.1:80", hdr(xff, "203.0.113.7"), "203.0.113.7"},
		{"trusted bare-IP peer", "192.0.2.1:80", hdr(xff, "203.0.113.7"), "203.0.113.7"},
		{"chain client, trusted proxy", "10.0.0.1:80", hdr(xff, "203.0.113.7, 10.0.0.2"), "203.0.113.7"},
		{"spoofed left part of the chain skipped", "10.0.0.1:80", hdr(xff, "6.6.6.6, 203.0.113.7, 10.0.0.2"), "203.0.113.7"},
		{"right-most untrusted hop in the middle", "10.0.0.1:80", hdr(xff, "198.51.100.1, 203.0.113.7, 10.0.0.3, 10.0.0.2"), "203.0.113.7"},
		{"all-trusted chain gives the left-most", "10.0.0.1:80", hdr(xff, "10.0.0.4, 192.0.2.1, 10.0.0.2"), "10.0.0.4"},
		{"multiple XFF lines joined in order", "10.0.0.1:80", hdr(xff, "198.51.100.1, 203.0.113.7", xff, "10.0.0.3", xff, "10.0.0.2"), "203.0.113.7"},
		{"multiple XFF lines, answer in the last", "10.0.0.1:80", hdr(xff, "198.51.100.1", xff, "203.0.113.7"), "203.0.113.7"},
		{"multiple XFF lines, all trusted", "10.0.0.1:80", hdr(xff, "10.0.0.9, 10.0.0.8", xff, "10.0.0.2"), "10.0.0.9"},
		{"spaces and tabs", "10.0.0.1:80", hdr(xff, "  198.51.100.1 ,\t203.0.113.7\t,   10.0.0.2  "), "203.0.113.7"},
		{"no spaces", "10.0.0.1:80", hdr(xff, "198.51.100.1,203.0.113.7,10.0.0.2"), "203.0.113.7"},
		{"XFF wins over X-Real-IP", "10.0.0.1:80", hdr(xff, "203.0.113.7", xri, "198.51.100.1"), "203.0.113.7"},

		// IPv6 and IPv4-mapped.
		{"trusted IPv6 peer", "[2001:db8:ffff::1]:443", hdr(xff, "2001:db8::7"), "2001:db8::7"},
		{"trusted IPv6 peer, mixed chain", "[2001:db8:ffff::1]:443", hdr(xff, "203.0.113.7, 10.0.0.2, 2001:db8:ffff::2"), "203.0.113.7"},
		{"IPv4-mapped peer matched by 10.0.0.0/8", "[::ffff:10.0.0.1]:1234", hdr(xff, "203.0.113.7"), "203.0.113.7"},
		{"IPv4-mapped peer returned unmapped", "[::ffff:203.0.113.7]:1234", nil, "203.0.113.7"},
		{"IPv4-mapped chain entries", "10.0.0.1:80", hdr(xff, "::ffff:203.0.113.7, ::ffff:10.0.0.2"), "203.0.113.7"},
		{"IPv6 peer with zone", "[fe80::1%eth0]:80", hdr(xff, "203.0.113.7"), "fe80::1%eth0"},

		// Garbage in the chain.
		{"garbage right-most: the peer", "10.0.0.1:80", hdr(xff, "203.0.113.7, garbage"), "10.0.0.1"},
		{"garbage stops the walk", "10.0.0.1:80", hdr(xff, "203.0.113.7, garbage, 10.0.0.2"), "10.0.0.2"},
		{"garbage left of the answer is never reached", "10.0.0.1:80", hdr(xff, "garbage, 203.0.113.7, 10.0.0.2"), "203.0.113.7"},
		{"empty entry stops the walk", "10.0.0.1:80", hdr(xff, "203.0.113.7,, 10.0.0.2"), "10.0.0.2"},
		{"trailing comma", "10.0.0.1:80", hdr(xff, "203.0.113.7,"), "10.0.0.1"},
		{"empty XFF: the peer, X-Real-IP not used", "10.0.0.1:80", hdr(xff, "", xri, "203.0.113.7"), "10.0.0.1"},
		{"port in chain is garbage", "10.0.0.1:80", hdr(xff, "203.0.113.7:4444"), "10.0.0.1"},
		{"brackets in chain are garbage", "10.0.0.1:80", hdr(xff, "[2001:db8::7]"), "10.0.0.1"},
		{"empty last XFF line stops the walk", "10.0.0.1:80", hdr(xff, "203.0.113.7", xff, ""), "10.0.0.1"},

		// X-Real-IP.
		{"X-Real-IP only", "10.0.0.1:80", hdr(xri, "203.0.113.7"), "203.0.113.7"},
		{"X-Real-IP with spaces", "10.0.0.1:80", hdr(xri, " 203.0.113.7 "), "203.0.113.7"},
		{"X-Real-IP IPv6", "10.0.0.1:80", hdr(xri, "2001:db8::7"), "2001:db8::7"},
		{"X-Real-IP, last line wins", "10.0.0.1:80", hdr(xri, "198.51.100.1", xri, "203.0.113.7"), "203.0.113.7"},
		{"X-Real-IP garbage: the peer", "10.0.0.1:80", hdr(xri, "unknown"), "10.0.0.1"},
		{"X-Real-IP list is garbage", "10.0.0.1:80", hdr(xri, "203.0.113.7, 198.51.100.1"), "10.0.0.1"},
		{"X-Real-IP as net/http stores it", "10.0.0.1:80", http.Header{"X-Real-Ip": {"203.0.113.7"}}, "203.0.113.7"},

		// remoteAddr.
		{"bare IPv4 remoteAddr", "203.0.113.7", nil, "203.0.113.7"},
		{"bare IPv6 remoteAddr", "2001:db8::1", nil, "2001:db8::1"},
		{"bad remoteAddr: empty", "", hdr(xff, "203.0.113.7"), ""},
		{"bad remoteAddr: unix socket", "@", nil, ""},
		{"bad remoteAddr: host name", "localhost:80", nil, ""},
		{"bad remoteAddr: IPv6 without brackets", "2001:db8::1:443:x", nil, ""},
		{"bad remoteAddr: port out of range", "10.0.0.1:65536", nil, ""},
		{"bad remoteAddr: no port after colon", "10.0.0.1:", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := r.ClientAddr(tc.remote, tc.h)
			if tc.want == "" {
				if ok || got.IsValid() {
					t.Fatalf("ClientAddr(%q) = %v, %v; want invalid, false", tc.remote, got, ok)
				}
				return
			}
			want := netip.MustParseAddr(tc.want)
			if !ok || got != want {
				t.Errorf("ClientAddr(%q, %v) = %v, %v; want %v, true", tc.remote, tc.h, got, ok, want)
			}
		})
	}
}

func TestClientAddrZeroResolverTrustsNobody(t *testing.T) {
	var r Resolver
	got, ok := r.ClientAddr("10.0.0.1:80", hdr(xff, "203.0.113.7", xri, "203.0.113.8"))
	if !ok || got != netip.MustParseAddr("10.0.0.1") {
		t.Errorf("ClientAddr = %v, %v; want the peer 10.0.0.1", got, ok)
	}
}

func TestBackward(t *testing.T) {
	var got []string
	for e := range backward([]string{"a, b", "", " c ,d"}) {
		got = append(got, e)
	}
	want := []string{"d", "c", "", "b", "a"}
	if len(got) != len(want) {
		t.Fatalf("backward = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("backward = %q, want %q", got, want)
		}
	}
	n := 0
	for range backward([]string{"a,b,c", "d"}) {
		if n++; n == 2 {
			break // stopping early must not panic
		}
	}
}
