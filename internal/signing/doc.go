// Package signing checks the signatures of webhook requests (DESIGN §4):
//
//   - App authorization: a sender that holds a Workflow's appKey and secretKey
//     sends X-Hookflow-AppKey, X-Hookflow-Timestamp and X-Hookflow-Sign (or
//     the query parameters appKey, timestamp and sign), where
//     sign = lowercase hex(HMAC-SHA256(secretKey, appKey + "." + timestamp + "." + rawBody)).
//     VerifyApp checks one request; a ReplayCache refuses a sign seen before.
//   - security.signature: a sender's own HMAC of the raw body in a header of
//     its choice, such as GitHub's X-Hub-Signature-256. HeaderScheme checks it
//     with one secret, Generic with any of several.
//   - security.signature.preset: a sender's whole scheme, one Verifier each
//     (GitHub, Stripe, Slack, Shopify, StandardWebhooks), found by
//     LookupPreset. The timestamped ones give a replay key for ReplayCache.
//
// Every failed check is ErrInvalid, possibly wrapped with a reason meant for
// the server's logs; the caller answers 401 {"msg":"Invalid signature"} and
// never tells the sender which part failed. Reasons never contain a sign, a
// key or a secret. All comparisons of signs and keys take constant time.
//
// The package is pure: no I/O, no logging, no clock of its own (the caller
// passes now).
package signing
