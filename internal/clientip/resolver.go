package clientip

import (
	"net/http"
	"net/netip"
)

// Canonical header keys, as net/http stores them: looking them up does not
// allocate.
const (
	headerForwardedFor = "X-Forwarded-For"
	headerRealIP       = "X-Real-Ip"
)

// Resolver finds the client address of a request. The zero Resolver trusts
// no proxy. It is safe for concurrent use.
type Resolver struct {
	trusted Set
}

// NewResolver returns a Resolver that believes the X-Forwarded-For and
// X-Real-IP headers of requests from trustedProxies, and only of those.
func NewResolver(trustedProxies Set) Resolver {
	return Resolver{trusted: trustedProxies}
}

// ClientAddr returns the client address of a request: the TCP peer
// (remoteAddr as in http.Request.RemoteAddr, "ip:port" or "[ipv6]:port"; a
// bare IP is accepted too), unless that peer is a trusted proxy. Then it is
//   - the right-most address of X-Forwarded-For (all its header lines joined
//     in order, comma-separated, spaces trimmed) that is not itself a trusted
//     proxy;
//   - if the whole chain is trusted proxies, the left-most one;
//   - if an entry of the chain is not an IP address (an empty entry
//     included), the walk stops there and the answer is the last good
//     address walked, the one to its right, or the peer; garbage cannot be
//     used to pick an address further left;
//   - if there is no X-Forwarded-For line, X-Real-IP (its last line), unless
//     that is not an IP address; then the peer.
//
// Headers from an untrusted peer are ignored entirely. The address returned
// is unmapped (::ffff:10.0.0.1 is 10.0.0.1) and keeps its IPv6 zone, if any.
// ok is false only if remoteAddr cannot be parsed.
func (r Resolver) ClientAddr(remoteAddr string, h http.Header) (addr netip.Addr, ok bool) {
	peer, ok := parsePeer(remoteAddr)
	if !ok {
		return netip.Addr{}, false
	}
	if !r.trusted.Contains(peer) {
		return peer, true
	}
	if xff := h.Values(headerForwardedFor); len(xff) > 0 {
		return r.walk(peer, xff), true
	}
	if xri := h.Values(headerRealIP); len(xri) > 0 {
		if a, err := netip.ParseAddr(trimOWS(xri[len(xri)-1])); err == nil {
			return a.Unmap(), true
		}
	}
	return peer, true
}

// walk walks the X-Forwarded-For chain from right to left, starting after
// the trusted peer, and returns the first address that is not a trusted
// proxy; see ClientAddr.
func (r Resolver) walk(peer netip.Addr, xff []string) netip.Addr {
	client := peer
	for entry := range backward(xff) {
		a, err := netip.ParseAddr(entry)
		if err != nil {
			return client
		}
		client = a.Unmap()
		if !r.trusted.Contains(client) {
			return client
		}
	}
	return client
}

// parsePeer parses http.Request.RemoteAddr: "ip:port", "[ipv6]:port" or a
// bare IP. The address is unmapped.
func parsePeer(remoteAddr string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(remoteAddr); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(remoteAddr); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}
