package main

import "time"

// interleave measures two lines for d each, in halves and in the order a,
// b, b, a: a drift of the machine's load over the four slices weighs on
// both lines alike, so that their ratio holds.
func interleave(d time.Duration, a, b func(time.Duration) error) error {
	half := d / 2
	for _, slice := range []func(time.Duration) error{a, b, b, a} {
		if err := slice(half); err != nil {
			return err
		}
	}
	return nil
}
