#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the test suite and prints its URL.
# Uses OTLENS_TEST_POSTGRES_URL or 127.0.0.1:5432 when reachable; otherwise
# starts a throwaway cluster in a temp dir with Debian's postgres binaries,
# and writes its data folder to $OTLENS_PG_THROWAWAY_FILE (if set) so the
# caller can stop it.
set -euo pipefail
url="${OTLENS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if psql "$url" -Atc 'select 1' >/dev/null 2>&1; then
  echo "$url"; exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bindir" ] || { echo "no PostgreSQL server binaries: apt-get install postgresql" >&2; exit 1; }
dir=$(mktemp -d /tmp/otlens-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"; owner=postgres
  as() { runuser -u postgres -- "$@"; }
else
  as() { "$@"; }
fi
as "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -w start >/dev/null
[ -n "${OTLENS_PG_THROWAWAY_FILE:-}" ] && echo "$dir/data" > "$OTLENS_PG_THROWAWAY_FILE"
echo "postgres://postgres@127.0.0.1:$port/postgres"
echo "started a throwaway PostgreSQL in $dir (owner $owner)" >&2
