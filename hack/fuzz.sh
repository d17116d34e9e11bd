#!/usr/bin/env bash
# Runs every fuzz target of the module for the given time each (default 30s).
# The committed seeds also run in `make test`, as part of go test.
set -euo pipefail
fuzztime="${1:-30s}"
cd "$(dirname "$0")/.."
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
	done
done
