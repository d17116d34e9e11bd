package clientip

import (
	"cmp"
	"encoding/binary"
	"net/netip"
	"slices"
)

// u128 is an address as a number: an IPv4 address in lo, an IPv6 address in
// hi and lo.
type u128 struct{ hi, lo uint64 }

func (a u128) compare(b u128) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	return cmp.Compare(a.lo, b.lo)
}

func (a u128) less(b u128) bool {
	return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo
}

// next is a+1, wrapping around at the top.
func (a u128) next() u128 {
	a.lo++
	if a.lo == 0 {
		a.hi++
	}
	return a
}

// number returns the address as a number; the zone is ignored.
func number(a netip.Addr) u128 {
	if a.Is4() {
		return number4(a)
	}
	return number6(a)
}

// number4 is number for an IPv4 address; small enough to be inlined.
func number4(a netip.Addr) u128 {
	b := a.As4()
	return u128{lo: uint64(binary.BigEndian.Uint32(b[:]))}
}

// number6 is number for an IPv6 address; small enough to be inlined.
func number6(a netip.Addr) u128 {
	b := a.As16()
	return u128{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

// span is the closed interval [first, last] of addresses of one family.
type span struct{ first, last u128 }

// spanOf returns the addresses of a masked prefix.
func spanOf(p netip.Prefix) span {
	first := number(p.Addr())
	host := p.Addr().BitLen() - p.Bits() // 0..128
	last := first
	// Shifts by 64 give 0 in Go, so the masks below are all ones then.
	last.lo |= uint64(1)<<min(host, 64) - 1
	if host > 64 {
		last.hi |= uint64(1)<<(host-64) - 1
	}
	return span{first: first, last: last}
}

// spans is a sorted list of disjoint, non-adjacent spans of one family.
type spans []span

// normalize sorts s and merges overlapping and adjacent spans, in place.
func (s spans) normalize() spans {
	if len(s) == 0 {
		return nil
	}
	slices.SortFunc(s, func(a, b span) int { return a.first.compare(b.first) })
	out := s[:1]
	for _, sp := range s[1:] {
		cur := &out[len(out)-1]
		if !cur.last.less(sp.first) || sp.first == cur.last.next() {
			if cur.last.less(sp.last) {
				cur.last = sp.last
			}
			continue
		}
		out = append(out, sp)
	}
	return slices.Clip(out)
}

// contains tells whether x is in one of the spans, by binary search.
func (s spans) contains(x u128) bool {
	// lo ends as the number of spans starting at or before x.
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x.less(s[m].first) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo > 0 && !s[lo-1].last.less(x)
}
