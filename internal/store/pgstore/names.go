package pgstore

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxIdentifier is PostgreSQL's limit on the length of a name, in bytes.
const maxIdentifier = 63

// TableName is the default table of a Worksheet: "ws_" + namespace + "__"
// + name, lower-case, with "-" and "." written "_". A name longer than 63
// bytes is cut and ends with "_" and 8 hex digits of the SHA-256 of
// namespace/name, so that two Worksheets never share a table.
func TableName(namespace, worksheet string) string {
	name := "ws_" + identifierPart(namespace) + "__" + identifierPart(worksheet)
	return fitIdentifier(name, namespace+"/"+worksheet, "")
}

// IndexName is the name of the index of a column: "<table>_<column>_key"
// for a unique one, "<table>_<column>_idx" for a plain one, cut like
// TableName when too long.
func IndexName(table, column string, unique bool) string {
	suffix := "_idx"
	if unique {
		suffix = "_key"
	}
	return fitIdentifier(table+"_"+column+suffix, table+"/"+column+suffix, suffix)
}

// identifierPart turns a Kubernetes name into a part of an identifier.
func identifierPart(s string) string {
	return strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToLower(s))
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
