// Package clientip finds the client address of a webhook request and matches
// addresses against sets of IPs and networks (DESIGN §4, "Client address";
// WebhookServer trustedProxies and Workflow security.ipWhitelist).
//
// It is pure: no I/O, no logging, no clock. Sets are parsed once per spec
// change; per request nothing is allocated on the path of an untrusted peer.
//
// Addresses are compared unmapped: the IPv4-mapped IPv6 address
// ::ffff:192.0.2.1 is the IPv4 address 192.0.2.1, in a Set as in a request.
// IPv6 zones (fe80::1%eth0) are ignored when matching.
package clientip
