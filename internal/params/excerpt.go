package params

import "strconv"

// maxExcerpt bounds the bytes of user data quoted in an error.
const maxExcerpt = 64

// excerpt shortens s to at most maxExcerpt bytes, on a rune boundary, adding
// "..." when it cut something.
func excerpt(s string) string {
	if len(s) <= maxExcerpt {
		return s
	}
	cut := maxExcerpt
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}

// quote is strconv.Quote of the excerpt of s.
func quote(s string) string { return strconv.Quote(excerpt(s)) }
