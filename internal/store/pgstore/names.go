package pgstore

import (
	"crypto/sha256"
	"encoding/hex"
)

// maxIdentifier is PostgreSQL's limit on the length of a name, in bytes.
const maxIdentifier = 63

// IndexName is the name of the index of a column: "<table>_<column>_key"
// for a unique one, "<table>_<column>_idx" for a plain one; when too long,
// cut and ended with "_", 8 hex digits of a hash and the suffix.
func IndexName(table, column string, unique bool) string {
	suffix := "_idx"
	if unique {
		suffix = "_key"
	}
	return fitIdentifier(table+"_"+column+suffix, table+"/"+column+suffix, suffix)
}

// fitIdentifier returns name when it fits in 63 bytes; else name cut, "_",
// 8 hex digits of the SHA-256 of key, and suffix.
func fitIdentifier(name, key, suffix string) string {
	if len(name) <= maxIdentifier {
		return name
	}
	sum := sha256.Sum256([]byte(key))
	tail := "_" + hex.EncodeToString(sum[:])[:8] + suffix
	return name[:maxIdentifier-len(tail)] + tail
}
