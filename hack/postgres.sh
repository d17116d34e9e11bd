#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries (initdb, postgres, pg_ctl) and
# pgbench are installed, from Debian's packages when they are missing, and
# prints their directory. The tests, `make dev STORE=postgres` and
# `make bench` start throw-away clusters with them (internal/pglocal); no
# server is left running and nothing is configured system-wide.
set -euo pipefail

log() { printf 'postgres: %s\n' "$*" >&2; }

find_bindir() {
	local d
	if command -v pg_config >/dev/null && d="$(pg_config --bindir 2>/dev/null)" && [[ -x "$d/initdb" && -x "$d/postgres" ]]; then
		echo "$d"
		return 0
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x "$d/initdb" && -x "$d/postgres" ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

if dir="$(find_bindir)" && command -v pgbench >/dev/null; then
	echo "$dir"
	exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
	log "PostgreSQL's server binaries are missing: run 'sudo apt-get install -y postgresql postgresql-contrib'"
	exit 1
fi
log "installing Debian's postgresql (server binaries only; no cluster is started)"
apt-get update -qq >&2
# A policy-rc.d that refuses keeps the package from starting its own
# cluster; one that is there already is left as it is.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >&2
find_bindir
