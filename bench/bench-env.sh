# Shared settings of the bench/ scripts; sourced, not run. Every value can be overridden from the environment.
# shellcheck shell=bash

BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_HOME/.." && pwd)

# Work directory for keys, PID file and server log: never inside the repository.
BENCH_DIR=${BENCH_DIR:-/tmp/keyturn-bench}
# JDK that runs Keyturn, Gatling and the floors (the issue measures on Temurin 25).
BENCH_JAVA_HOME=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [ -x "$BENCH_JAVA_HOME/bin/java" ]; then JAVA="$BENCH_JAVA_HOME/bin/java"; else JAVA=$(command -v java); fi

# Keyturn under test: loopback only.
KEYTURN_BENCH_PORT=${KEYTURN_BENCH_PORT:-8081}
KEYTURN_BENCH_URL=${KEYTURN_BENCH_URL:-http://127.0.0.1:$KEYTURN_BENCH_PORT}
# RS256 (default) or ES256: the access-token signing algorithm, with keys generated per algorithm.
KEYTURN_BENCH_ALG=${KEYTURN_BENCH_ALG:-RS256}

# Local PostgreSQL (trust authentication for 127.0.0.1).
BENCH_PGHOST=${BENCH_PGHOST:-127.0.0.1}
BENCH_PGPORT=${BENCH_PGPORT:-5432}
BENCH_PGUSER=${BENCH_PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-keyturn_bench}

# Seeded accounts: user0001@bench.local ... user0200@bench.local, password bench-pass-1.
BENCH_USERS=${BENCH_USERS:-200}
BENCH_PASSWORD=${BENCH_PASSWORD:-bench-pass-1}

bench_log() { echo "[$(basename "$0")] $*" >&2; }
bench_die() { bench_log "ERROR: $*"; exit 1; }

# psql against a database (default: the bench database); -X ignores ~/.psqlrc.
bench_psql() {
  local db=${BENCH_PSQL_DB:-$BENCH_DB}
  psql -X -q -v ON_ERROR_STOP=1 -h "$BENCH_PGHOST" -p "$BENCH_PGPORT" -U "$BENCH_PGUSER" -d "$db" "$@"
}

# HTTP status of a GET (000 when nothing answers).
bench_http_code() { curl -s -o /dev/null -m "${2:-2}" -w '%{http_code}' "$1" 2>/dev/null || true; }

case "$KEYTURN_BENCH_URL" in
  http://127.*|http://localhost*|http://\[::1\]*) ;;
  *) echo "KEYTURN_BENCH_URL must be a loopback URL, not $KEYTURN_BENCH_URL" >&2; exit 2 ;;
esac
