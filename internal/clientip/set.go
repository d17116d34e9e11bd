package clientip

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Set is a set of addresses and networks (IPv4, IPv6, CIDR). The zero Set
// contains nothing. A Set is immutable after ParseSet and safe for
// concurrent use; copies share their storage.
//
// IPv4 and IPv6 are separate families: an IPv6 network never contains an
// IPv4 address, not even ::/0 (write 0.0.0.0/0 for all of IPv4). An
// IPv4-mapped entry is IPv4: ::ffff:10.0.0.0/104 is 10.0.0.0/8.
//
// Entries are kept as sorted, merged address ranges, so Contains is a binary
// search whatever the number of entries.
type Set struct {
	v4 spans
	v6 spans
}

// ParseSet parses entries like "203.0.113.7", "198.51.100.0/24",
// "2001:db8::/32", "::1". A bare IP is a /32 or /128. Host bits of a CIDR
// are masked off ("10.1.2.3/8" is 10.0.0.0/8), IPv4-mapped IPv6 addresses
// are unmapped. Zones and surrounding spaces are not allowed. The error
// names the first bad entry.
//
// The CRDs validate entries already (CEL isIP/isCIDR); this is defence in
// depth.
func ParseSet(entries []string) (Set, error) {
	var v4, v6 spans
	for i, e := range entries {
		p, err := parseEntry(e)
		if err != nil {
			return Set{}, fmt.Errorf("entry %d %q is not an IP address or CIDR: %w", i, e, err)
		}
		if p.Addr().Is4() {
			v4 = append(v4, spanOf(p))
		} else {
			v6 = append(v6, spanOf(p))
		}
	}
	return Set{v4: v4.normalize(), v6: v6.normalize()}, nil
}

// parseEntry parses an IP or a CIDR into a masked prefix of its own family.
func parseEntry(s string) (netip.Prefix, error) {
	var p netip.Prefix
	if strings.IndexByte(s, '/') >= 0 {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, err
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if a.Zone() != "" {
			return netip.Prefix{}, errors.New("an IPv6 zone is not allowed")
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// Contains tells whether addr is in the set. addr is unmapped first
// (::ffff:1.2.3.4 is 1.2.3.4); its zone is ignored. The invalid Addr is in
// no set.
func (s Set) Contains(addr netip.Addr) bool {
	addr = addr.Unmap()
	switch {
	case addr.Is4():
		return s.v4.contains(number4(addr))
	case addr.Is6():
		return s.v6.contains(number6(addr))
	}
	return false
}

// Empty tells whether the set has no entry.
func (s Set) Empty() bool {
	return len(s.v4) == 0 && len(s.v6) == 0
}
