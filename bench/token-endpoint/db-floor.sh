#!/usr/bin/env bash
# token-endpoint/db-floor.sh - PostgreSQL's CPU for the least durable write a refresh-token rotation can make, to set
# against the token-endpoint results (bench/README.md, "What the token-endpoint targets would take").
#   bench/token-endpoint/db-floor.sh [SECONDS]        (default 20 per statement)
# A rotation with reuse detection must at least swap its session's current token, atomically and durably: one
# compare-and-set UPDATE of one row, committed. pgbench runs that statement (and, for scale, Keyturn's shape: the token
# row claimed, its child inserted with the same five indexes as refresh_tokens, the session moved) at 16 clients,
# prepared, on 10,000 sessions in a scratch database; the CPU of the whole PostgreSQL cluster (the postmaster's process
# tree, as TokenBench counts it) is divided by the transactions committed.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/bench-env.sh
SECONDS_PER=${1:-20}
DB=keyturn_bench_db_floor
PGPID=$(head -1 /var/run/postgresql/15-main.pid)
HZ=$(getconf CLK_TCK)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

BENCH_PSQL_DB=postgres bench_psql -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
BENCH_PSQL_DB=$DB bench_psql >/dev/null <<'SQL'
CREATE TABLE sessions (id bigint PRIMARY KEY, current_token uuid NOT NULL, last_used_at timestamptz NOT NULL,
                       refresh_count int NOT NULL DEFAULT 0);
INSERT INTO sessions SELECT i, gen_random_uuid(), now() FROM generate_series(1, 10000) i;
CREATE TABLE refresh_tokens (id uuid PRIMARY KEY, session_id bigint NOT NULL, parent_id uuid, token_hash bytea NOT NULL,
                             issued_at timestamptz NOT NULL, expires_at timestamptz NOT NULL, used_at timestamptz);
CREATE UNIQUE INDEX ON refresh_tokens (token_hash);
CREATE INDEX ON refresh_tokens (session_id);
CREATE UNIQUE INDEX ON refresh_tokens (parent_id);
CREATE INDEX ON refresh_tokens (expires_at);
INSERT INTO refresh_tokens (id, session_id, token_hash, issued_at, expires_at)
SELECT current_token, id, sha256(current_token::text::bytea), now(), now() + interval '7 days' FROM sessions;
VACUUM ANALYZE;
SQL

# The compare-and-set: each client owns its sessions (id modulo 16), so no two race for one row, as in TokenBench.
cat > "$work/cas.sql" <<'SQL'
\set s random(1, 625) * 16 + :client_id - 15
UPDATE sessions SET current_token = gen_random_uuid(), last_used_at = now(), refresh_count = refresh_count + 1
 WHERE id = :s AND current_token IS NOT NULL;
SQL
# Keyturn's shape (refresh/FastRotation): claim the current token, insert its child, point the session at it.
cat > "$work/rotation.sql" <<'SQL'
\set s random(1, 625) * 16 + :client_id - 15
WITH claimed AS (
  UPDATE refresh_tokens t SET used_at = now() FROM sessions s
   WHERE s.id = :s AND t.id = s.current_token AND t.used_at IS NULL RETURNING t.id, t.session_id
), child AS (
  INSERT INTO refresh_tokens (id, session_id, parent_id, token_hash, issued_at, expires_at)
  SELECT gen_random_uuid(), session_id, id, sha256(gen_random_uuid()::text::bytea), now(), now() + interval '7 days'
    FROM claimed RETURNING id, session_id
)
UPDATE sessions SET current_token = child.id, last_used_at = now(), refresh_count = refresh_count + 1
  FROM child WHERE sessions.id = child.session_id;
SQL

cluster_ticks() { # CPU of the postmaster, of its live children, and of those it reaped (pgbench's backends end first)
  local total p
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$PGPID/stat")
  for p in $(pgrep -P "$PGPID"); do
    [ -r "/proc/$p/stat" ] || continue
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

echo "date: $(date -u +%FT%TZ) nproc: $(nproc) loadavg: $(cat /proc/loadavg)"
echo "synchronous_commit: $(BENCH_PSQL_DB=$DB bench_psql -tAc 'show synchronous_commit')"
# rotation first: the compare-and-set replaces current_token with ids no refresh_tokens row has
for script in rotation cas; do
  before=$(cluster_ticks)
  out=$(PGPASSWORD= pgbench -n -M prepared -c 16 -j 2 -T "$SECONDS_PER" -h "$BENCH_PGHOST" -p "$BENCH_PGPORT" \
        -U "$BENCH_PGUSER" -f "$work/$script.sql" "$DB" 2>&1)
  after=$(cluster_ticks)
  tps=$(echo "$out" | awk -F'= ' '/^tps/{split($2, a, " "); print a[1]}')
  tx=$(echo "$out" | awk -F': ' '/number of transactions actually processed/{print $2}' | cut -d/ -f1)
  awk -v t="$tx" -v d=$(( after - before )) -v hz="$HZ" -v tps="$tps" -v s="$script" \
    'BEGIN { printf "%s: %d transactions, %.0f tps, PostgreSQL CPU %.3f ms per transaction\n", s, t, tps, d * 1000 / hz / t }'
  if [ "$script" = rotation ]; then # every transaction must have rotated: one child row each
    echo "rotation: $(BENCH_PSQL_DB=$DB bench_psql -tAc 'SELECT count(*) - 10000 FROM refresh_tokens') children inserted"
  fi
done
BENCH_PSQL_DB=postgres bench_psql -c "DROP DATABASE $DB" >/dev/null
