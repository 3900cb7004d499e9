#!/usr/bin/env bash
# Runs a command next to a throwaway PostgreSQL cluster: initdb into a temp folder, start it on a free
# loopback port, export DESCENT_TEST_POSTGRES_URL (database "descent_test", user "descent", trust auth),
# run the command, then stop the cluster and delete the folder. As root, the cluster runs as the
# "postgres" user (initdb refuses root). PG_DURABLE=1 keeps fsync on (benchmarks); tests turn it off.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "with-postgres: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/descent-pg.XXXXXX)
as=()
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; as=(runuser -u postgres --); fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_DURABLE:-0}" = 1 ] && durability=""
stop() {
  "${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U descent -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 $durability" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
"${as[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U descent descent_test
export DESCENT_TEST_POSTGRES_URL="postgres://descent@127.0.0.1:$port/descent_test"
echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') at $DESCENT_TEST_POSTGRES_URL"
"$@"
