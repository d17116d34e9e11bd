package clientip

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestSpansMatchPrefixes checks the merged, binary-searched spans against a
// linear scan of the prefixes, on random sets and addresses near their edges.
func TestSpansMatchPrefixes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		n := rng.IntN(40)
		entries := make([]string, n)
		prefixes := make([]netip.Prefix, n)
		for i := range n {
			prefixes[i] = randomPrefix(rng)
			entries[i] = prefixes[i].String()
		}
		s := mustSet(t, entries...)
		for range 50 {
			a := randomAddr(rng)
			if n > 0 && rng.IntN(2) == 0 { // an edge of an entry, or next to one
				a = edge(rng, prefixes[rng.IntN(n)])
			}
			want := false
			for _, p := range prefixes {
				want = want || p.Contains(a)
			}
			if got := s.Contains(a); got != want {
				t.Fatalf("round %d: %q.Contains(%s) = %v, want %v", round, entries, a, got, want)
			}
		}
	}
}

func randomAddr(rng *rand.Rand) netip.Addr {
	if rng.IntN(2) == 0 {
		var b [4]byte
		for i := range b {
			b[i] = byte(rng.IntN(4)) // few distinct values: overlaps are likely
		}
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.IntN(4))
	}
	return netip.AddrFrom16(b)
}

func randomPrefix(rng *rand.Rand) netip.Prefix {
	a := randomAddr(rng)
	return netip.PrefixFrom(a, rng.IntN(a.BitLen()+1)).Masked()
}

// edge returns the first or last address of p, or the one before or after.
func edge(rng *rand.Rand, p netip.Prefix) netip.Addr {
	a := p.Addr()
	if rng.IntN(2) == 0 {
		a = fromNumber(spanOf(p).last, a.Is4())
	}
	switch rng.IntN(3) {
	case 0:
		if b := a.Prev(); b.IsValid() {
			return b
		}
	case 1:
		if b := a.Next(); b.IsValid() {
			return b
		}
	}
	return a
}

func fromNumber(x u128, is4 bool) netip.Addr {
	if is4 {
		v := uint32(x.lo)
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	var b [16]byte
	for i := range 8 {
		b[i] = byte(x.hi >> (56 - 8*i))
		b[8+i] = byte(x.lo >> (56 - 8*i))
	}
	return netip.AddrFrom16(b)
}

func TestSpanOf(t *testing.T) {
	for _, tc := range []struct{ prefix, first, last string }{
		{"10.0.0.0/8", "10.0.0.0", "10.255.255.255"},
		{"10.0.0.1/32", "10.0.0.1", "10.0.0.1"},
		{"0.0.0.0/0", "0.0.0.0", "255.255.255.255"},
		{"2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"},
		{"2001:db8::/65", "2001:db8::", "2001:db8::7fff:ffff:ffff:ffff"},
		{"2001:db8::/63", "2001:db8::", "2001:db8:0:1:ffff:ffff:ffff:ffff"},
		{"::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"::1/128", "::1", "::1"},
	} {
		p := netip.MustParsePrefix(tc.prefix)
		sp := spanOf(p)
		want := span{number(netip.MustParseAddr(tc.first)), number(netip.MustParseAddr(tc.last))}
		if sp != want {
			t.Errorf("spanOf(%s) = %v, want %v", p, sp, want)
		}
	}
}
