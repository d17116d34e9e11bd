package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestInterleaveRunsHalvesInTheOrderABBA(t *testing.T) {
	var order []string
	slice := func(name string) func(time.Duration) error {
		return func(d time.Duration) error {
			order = append(order, fmt.Sprintf("%s%s", name, d))
			return nil
		}
	}
	if err := interleave(8*time.Second, slice("a"), slice("b")); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(order, " "), "a4s b4s b4s a4s"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestInterleaveStopsAtTheFirstError(t *testing.T) {
	calls := 0
	failing := func(time.Duration) error { calls++; return errors.New("pgbench failed") }
	if err := interleave(time.Second, func(time.Duration) error { calls++; return nil }, failing); err == nil || calls != 2 {
		t.Errorf("error %v after %d calls, want the error after 2", err, calls)
	}
}
