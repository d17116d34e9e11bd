package params

import "testing"

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in     string
		want   float64
		wantOK bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"12", 12, true},
		{"+12", 12, true},
		{"1.", 1, true},
		{".5", 0.5, true},
		{"-.5e-1", -0.05, true},
		{"6.02E23", 6.02e23, true},
		{"1e-400", 0, true},
		{"1e400", 0, false},
		{"-1e400", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{".", 0, false},
		{"e5", 0, false},
		{"1e", 0, false},
		{"1e+", 0, false},
		{"1.2.3", 0, false},
		{"0x1p3", 0, false},
		{"0b1", 0, false},
		{"1_000", 0, false},
		{"Inf", 0, false},
		{"nan", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"١", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseNumber(tt.in)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("parseNumber(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestHasLeadingZero(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0", false}, {"0.5", false}, {"-0", false}, {"10", false}, {"0e1", false},
		{"00", true}, {"007", true}, {"-01", true}, {"+01.5", true},
	}
	for _, tt := range tests {
		if got := hasLeadingZero(tt.in); got != tt.want {
			t.Errorf("hasLeadingZero(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
