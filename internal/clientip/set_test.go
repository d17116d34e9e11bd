package clientip

import (
	"net/netip"
	"strings"
	"testing"
)

func mustSet(t testing.TB, entries ...string) Set {
	t.Helper()
	s, err := ParseSet(entries)
	if err != nil {
		t.Fatalf("ParseSet(%q): %v", entries, err)
	}
	return s
}

func TestParseSetErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []string
		bad     string // quoted in the error, with its index
	}{
		{"empty entry", []string{"10.0.0.1", ""}, `entry 1 ""`},
		{"not an IP", []string{"example.com"}, `entry 0 "example.com"`},
		{"short IPv4", []string{"10.0.0"}, `entry 0 "10.0.0"`},
		{"IPv4 prefix too long", []string{"10.0.0.0/33"}, `entry 0 "10.0.0.0/33"`},
		{"IPv6 prefix too long", []string{"2001:db8::/129"}, `entry 0 "2001:db8::/129"`},
		{"no prefix length", []string{"10.0.0.0/"}, `entry 0 "10.0.0.0/"`},
		{"negative prefix", []string{"10.0.0.0/-1"}, `entry 0 "10.0.0.0/-1"`},
		{"leading zero", []string{"010.0.0.1"}, `entry 0 "010.0.0.1"`},
		{"zone", []string{"fe80::1%eth0"}, `entry 0 "fe80::1%eth0"`},
		{"zone in CIDR", []string{"fe80::%eth0/64"}, `entry 0 "fe80::%eth0/64"`},
		{"spaces", []string{" 10.0.0.1"}, `entry 0 " 10.0.0.1"`},
		{"port", []string{"10.0.0.1:80"}, `entry 0 "10.0.0.1:80"`},
		{"first bad one named", []string{"10.0.0.1", "x", "y"}, `entry 1 "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSet(tc.entries)
			if err == nil {
				t.Fatalf("ParseSet(%q) = nil error", tc.entries)
			}
			if !strings.Contains(err.Error(), tc.bad) {
				t.Errorf("error %q does not name %s", err, tc.bad)
			}
			if !s.Empty() {
				t.Errorf("ParseSet returned a non-empty Set with an error")
			}
		})
	}
}

func TestSetContains(t *testing.T) {
	whitelist := []string{"203.0.113.7", "198.51.100.0/24", "2001:db8::/32"}
	for _, tc := range []struct {
		name    string
		entries []string
		addr    string
		want    bool
	}{
		{"bare IPv4 is a /32", whitelist, "203.0.113.7", true},
		{"next to bare IPv4", whitelist, "203.0.113.8", false},
		{"in IPv4 CIDR, first", whitelist, "198.51.100.0", true},
		{"in IPv4 CIDR, last", whitelist, "198.51.100.255", true},
		{"after IPv4 CIDR", whitelist, "198.51.101.0", false},
		{"before IPv4 CIDR", whitelist, "198.51.99.255", false},
		{"IPv6 in 2001:db8::/32", whitelist, "2001:db8:1234::1", true},
		{"IPv6 last of 2001:db8::/32", whitelist, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"IPv6 out of 2001:db8::/32", whitelist, "2001:db9::1", false},
		{"IPv6 just below 2001:db8::/32", whitelist, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false},
		{"IPv6 with zone matched without it", whitelist, "2001:db8::1%eth0", true},
		{"IPv4-mapped address unmapped", whitelist, "::ffff:198.51.100.9", true},
		{"IPv4-mapped address unmapped, out", whitelist, "::ffff:198.51.101.9", false},
		{"IPv6 loopback", []string{"::1"}, "::1", true},
		{"IPv6 loopback is not IPv4 loopback", []string{"::1"}, "127.0.0.1", false},
		{"host bits masked", []string{"10.1.2.3/8"}, "10.200.0.1", true},
		{"IPv6 host bits masked", []string{"2001:db8::1/32"}, "2001:db8:ffff::", true},
		{"IPv4-mapped entry is IPv4", []string{"::ffff:10.0.0.0/104"}, "10.9.9.9", true},
		{"IPv4-mapped bare entry is IPv4", []string{"::ffff:10.0.0.1"}, "10.0.0.1", true},
		{"all IPv4", []string{"0.0.0.0/0"}, "255.255.255.255", true},
		{"all IPv4 is no IPv6", []string{"0.0.0.0/0"}, "2001:db8::1", false},
		{"all IPv6", []string{"::/0"}, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
		{"all IPv6 is no IPv4", []string{"::/0"}, "10.0.0.1", false},
		{"overlapping entries", []string{"10.0.0.0/8", "10.1.0.0/16", "10.0.0.5"}, "10.1.2.3", true},
		{"adjacent entries merged", []string{"10.0.0.0/25", "10.0.0.128/25"}, "10.0.0.128", true},
		{"between entries", []string{"10.0.0.0/24", "10.0.2.0/24"}, "10.0.1.0", false},
		{"empty set", nil, "10.0.0.1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustSet(t, tc.entries...)
			if got := s.Contains(netip.MustParseAddr(tc.addr)); got != tc.want {
				t.Errorf("%q.Contains(%s) = %v, want %v", tc.entries, tc.addr, got, tc.want)
			}
		})
	}
}

func TestSetZeroAndEmpty(t *testing.T) {
	var zero Set
	if !zero.Empty() {
		t.Error("zero Set is not Empty")
	}
	for _, a := range []netip.Addr{{}, netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("::")} {
		if zero.Contains(a) {
			t.Errorf("zero Set contains %v", a)
		}
	}
	if s := mustSet(t); !s.Empty() {
		t.Error("ParseSet(nil) is not Empty")
	}
	if s := mustSet(t, "::1"); s.Empty() {
		t.Error(`ParseSet("::1") is Empty`)
	}
	if s := mustSet(t, "0.0.0.0/0", "::/0"); s.Contains(netip.Addr{}) {
		t.Error("the invalid Addr is in a Set")
	}
}
