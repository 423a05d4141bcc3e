#!/usr/bin/env bash
# login-schemes/login-schemes.sh - POST /auth/login with each password-hash scheme of Keyturn side by side with
# Keycloak's login (its default hashing, Argon2id 7 MiB t=5), in one run (bench/README.md, "Login and password hashing").
#   bench/login-schemes/login-schemes.sh [OUT_DIR]     (default /tmp/keyturn-bench/login-schemes-<UTC time>)
# Two Keyturns, each on its own port, work directory and database, seeded with the 200 benchmark accounts by sign-up
# (so each stores its own scheme): KEYTURN_PASSWORD_HASH_SCHEME=bcrypt (cost 10) on $BCRYPT_PORT and argon2id (OWASP's
# m=7 MiB, t=5, p=1) on $ARGON2_PORT; Keycloak from ../shared/bench/keycloak.sh (started here if it is not running, and
# stopped again at the end unless KEEP_KEYCLOAK=1; KEYCLOAK=0 leaves it out). AuthBench runs the login scenario over the
# three in ABBA rounds and reports rps, latency and the server's CPU per login (the figure to compare: it depends less
# on other load than rps does). About 6 minutes with the defaults, plus 2-4 when Keycloak has to be started.
# Environment: ROUNDS (3), DURATION (20s), WARMUP (5s), PREWARM (30s), CONCURRENCY (16), KEYCLOAK (1), KEEP_KEYCLOAK,
# BCRYPT_PORT (8085), ARGON2_PORT (8086), SHARED_BENCH (../shared/bench), BENCH_JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHARED_BENCH:-$PWD/../shared/bench}
KC="$SHARED/keycloak.sh"
J=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
OUT=${1:-/tmp/keyturn-bench/login-schemes-$(date -u +%Y%m%dT%H%M%SZ)}
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-20s} WARMUP=${WARMUP:-5s} PREWARM=${PREWARM:-30s} CONCURRENCY=${CONCURRENCY:-16}
BCRYPT_PORT=${BCRYPT_PORT:-8085} ARGON2_PORT=${ARGON2_PORT:-8086}
PGPID=$(head -1 /var/run/postgresql/15-main.pid 2>/dev/null || echo "")
mkdir -p "$OUT"
log() { echo "[login-schemes] $*" >&2; }

# scheme NAME PORT: the environment of one Keyturn (start-keyturn.sh and seed.sh read it)
scheme() {
  echo "KEYTURN_PASSWORD_HASH_SCHEME=$1 KEYTURN_BENCH_PORT=$2 KEYTURN_BENCH_URL=http://127.0.0.1:$2" \
    "BENCH_DIR=/tmp/keyturn-bench/login-$1 BENCH_DB=keyturn_bench_login_$1"
}
keyturn() { # NAME PORT COMMAND...
  local name=$1 port=$2; shift 2
  env $(scheme "$name" "$port") "$@"
}

kc_started=""
cleanup() {
  set +e
  keyturn bcrypt "$BCRYPT_PORT" bench/start-keyturn.sh stop >/dev/null 2>&1
  keyturn argon2id "$ARGON2_PORT" bench/start-keyturn.sh stop >/dev/null 2>&1
  if [ -n "$kc_started" ] && [ "${KEEP_KEYCLOAK:-}" != 1 ]; then "$KC" stop; fi
}
trap cleanup EXIT

targets=()
for spec in "bcrypt $BCRYPT_PORT" "argon2id $ARGON2_PORT"; do
  set -- $spec
  pid=$(keyturn "$1" "$2" bench/start-keyturn.sh start)
  keyturn "$1" "$2" bench/seed.sh
  stored=$(keyturn "$1" "$2" bash -c '. bench/bench-env.sh; bench_psql -tAc "select substr(password_hash, 1, 30) from users where email = '"'"'user0001@bench.local'"'"'"')
  log "keyturn-$1 (pid $pid, port $2): user0001's stored hash begins $stored"
  targets+=(--target "ours,name=keyturn-$1,base=http://127.0.0.1:$2,pid=$pid${PGPID:+,db_pid=$PGPID}")
done

if [ "${KEYCLOAK:-1}" = 1 ]; then
  if [ -z "$("$KC" pid 2>/dev/null)" ]; then
    "$KC" up >&2
    kc_started=1
  fi
  "$KC" hash-info >&2 || true
  targets=(--target "keycloak,name=keycloak,pid=$("$KC" pid)${PGPID:+,db_pid=$PGPID}" "${targets[@]}")
fi

log "load average before: $(cat /proc/loadavg)"
"$J" "$SHARED/AuthBench.java" "${targets[@]}" --scenarios login --concurrency "$CONCURRENCY" --duration "$DURATION" \
  --warmup "$WARMUP" --prewarm "$PREWARM" --rounds "$ROUNDS" --out "$OUT/results.jsonl" | tee "$OUT/run.txt"
log "load average after: $(cat /proc/loadavg)"
"$J" "$SHARED/AuthBench.java" summarize "$OUT/results.jsonl" | tee "$OUT/summary.md"
log "results in $OUT"
