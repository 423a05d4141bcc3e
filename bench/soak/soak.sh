#!/usr/bin/env bash
# Soak test, on demand (not CI): a long run of mixed load at about half of the measured capacity, with errors,
# p99 and the service's RSS sampled over time.
#   bench/soak/soak.sh                       # 30 minutes
#   SOAK_DURATION=3m bench/soak/soak.sh      # a short run
# What it does:
#   1. if nothing answers at $KEYTURN_BENCH_URL, starts Keyturn with bench/start-keyturn.sh (and stops it at the end;
#      BENCH_START=0: never start one), then seeds the benchmark accounts (bench/seed.sh);
#   2. runs bench/soak/Soak.java (JDK only): SOAK_CALIBRATE (20s) closed loop at SOAK_CONCURRENCY (16) to measure the
#      capacity of the mix (70 % GET /users/me, 25 % refresh, 5 % login), then SOAK_DURATION (30m) open loop at
#      SOAK_LOAD (0.5) x that capacity (or SOAK_RATE requests/s), sampling every SOAK_INTERVAL (10s);
#   3. writes $BENCH_DIR/soak-<time>.csv (elapsed_s,requests,errors,rps,p50_ms,p99_ms,max_ms,rss_mib,cpu_pct) and
#      $BENCH_DIR/soak-<time>.txt (summary: errors, p99 per interval min/median/max, RSS first/last/max).
# Exit status: non-zero when any request failed. Environment: bench/bench-env.sh (KEYTURN_BENCH_PORT, BENCH_DIR, ...).
set -euo pipefail
. "$(dirname "$0")/../bench-env.sh"

case "${1:-}" in -h|--help) sed -n '2,15p' "$0"; exit 0 ;; esac

started=""
cleanup() { if [ -n "$started" ]; then "$BENCH_HOME/start-keyturn.sh" stop || true; fi; }
trap cleanup EXIT

if [ "$(bench_http_code "$KEYTURN_BENCH_URL/q/health/ready")" != 200 ]; then
  [ "${BENCH_START:-1}" != 0 ] || bench_die "nothing ready at $KEYTURN_BENCH_URL and BENCH_START=0"
  bench_log "no Keyturn at $KEYTURN_BENCH_URL: starting one (stopped again at the end)"
  started=$("$BENCH_HOME/start-keyturn.sh" start)
fi
pid=${started:-$("$BENCH_HOME/start-keyturn.sh" pid 2>/dev/null || echo -1)}
[ "${BENCH_SEED:-1}" = 0 ] || "$BENCH_HOME/seed.sh"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
csv="$BENCH_DIR/soak-$stamp.csv"
summary="$BENCH_DIR/soak-$stamp.txt"
mkdir -p "$BENCH_DIR"
{
  echo "== $(date -u +%FT%TZ) bench/soak/soak.sh duration ${SOAK_DURATION:-30m}"
  echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/{print $2}') MiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $("$JAVA" -version 2>&1 | head -1); target $KEYTURN_BENCH_URL (pid $pid)"
} | tee -a "$BENCH_DIR/runs.txt" >&2

rate_args=(--load "${SOAK_LOAD:-0.5}")
[ -z "${SOAK_RATE:-}" ] || rate_args=(--rate "$SOAK_RATE")
"$JAVA" "$BENCH_HOME/soak/Soak.java" --base "$KEYTURN_BENCH_URL" --pid "$pid" \
  --duration "${SOAK_DURATION:-30m}" --interval "${SOAK_INTERVAL:-10s}" --calibrate "${SOAK_CALIBRATE:-20s}" \
  --concurrency "${SOAK_CONCURRENCY:-16}" --users "$BENCH_USERS" --password "$BENCH_PASSWORD" "${rate_args[@]}" \
  --csv "$csv" --summary "$summary"
tee -a "$BENCH_DIR/runs.txt" < "$summary" >/dev/null
grep -q '^requests [0-9]*, errors 0 ' "$summary"
