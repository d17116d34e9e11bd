package decimal

import "testing"

func TestScan(t *testing.T) {
	cases := []struct {
		in          string
		integer, ok bool
	}{
		{"0", true, true}, {"-12", true, true}, {"+7", true, true}, {"007", true, true},
		{"129.5", false, true}, {".5", false, true}, {"5.", false, true}, {"1e3", false, true},
		{"-1.5E-3", false, true}, {"1e+9", false, true},
		{"", false, false}, {"-", false, false}, {".", false, false}, {"e3", false, false},
		{"1e", false, false}, {"1e+", false, false}, {"0x1F", false, false}, {"1_000", false, false},
		{"Inf", false, false}, {"NaN", false, false}, {" 1", false, false}, {"1 ", false, false},
		{"1.2.3", false, false}, {"--1", false, false},
	}
	for _, tc := range cases {
		integer, ok := Scan(tc.in)
		if ok != tc.ok || (ok && integer != tc.integer) {
			t.Errorf("Scan(%q) = %v, %v; want %v, %v", tc.in, integer, ok, tc.integer, tc.ok)
		}
	}
}

func TestDigits(t *testing.T) {
	for in, want := range map[string]int{"": 0, "x1": 0, "123": 3, "12a3": 2} {
		if got := Digits(in); got != want {
			t.Errorf("Digits(%q) = %d, want %d", in, got, want)
		}
	}
}
