package params

import (
	"strings"
	"testing"
)

func TestCheckPath(t *testing.T) {
	tests := []struct {
		path    string
		noSpace bool
		want    string
	}{
		{"a", true, ""},
		{"customer.email", true, ""},
		{strings.Repeat("a.", 31) + "a", true, ""},
		{strings.Repeat("a.", 32) + "a", true, "at most 32 segments"},
		{"", false, "must not be empty"},
		{".", false, "empty segment"},
		{"a.", false, "empty segment"},
		{".a", false, "empty segment"},
		{"a..b", false, "empty segment"},
		{"first name", false, ""},
		{"first name", true, "white space"},
		{"a\tb", true, "white space"},
		{"a\u00a0b", true, "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := checkPath(tt.path, tt.noSpace)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("checkPath(%q, %v) = %q, want %q", tt.path, tt.noSpace, got, tt.want)
			}
		})
	}
}

func TestPathSet(t *testing.T) {
	s := newPathSet()
	for _, p := range []string{"a.b.c", "x", "ab"} {
		s.add(p)
	}
	tests := []struct {
		path      string
		wantOther string
	}{
		{"a", "a.b.c"},
		{"a.b", "a.b.c"},
		{"a.b.c.d", "a.b.c"},
		{"x.y", "x"},
		{"x.y.z", "x"},
		{"a.c", ""},
		{"a.b.d", ""},
		{"abc", ""},
		{"ab.c", "ab"},
		{"y", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			other, ok := s.conflict(tt.path)
			if other != tt.wantOther || ok != (tt.wantOther != "") {
				t.Errorf("conflict(%q) = %q, %v, want %q", tt.path, other, ok, tt.wantOther)
			}
		})
	}
	if !s.has("x") || s.has("a.b") {
		t.Errorf("has() wrong: x %v, a.b %v", s.has("x"), s.has("a.b"))
	}
}
