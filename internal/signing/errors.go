package signing

import "errors"

// ErrInvalid is the one error of every failed check (the caller answers 401
// "Invalid signature"; never say which part failed to the caller). Checks
// wrap it with %w and a reason for the logs: test with errors.Is.
var ErrInvalid = errors.New("invalid signature")
