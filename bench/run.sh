#!/usr/bin/env bash
# The benchmark in one command: bench/run.sh [SIMULATION...] [-Dname=value...]
#   SIMULATION: login | refresh | protected | mixed | all (default: all, in that order)
#   -D...     : passed to Gatling (see bench/README.md): -Dconcurrency=16 -Dduration=20 -Dwarmup=5 -Dusers=200
#               -DmeConcurrency= -DstormConcurrency= -Dsetup=5 -DmaxErrorPercent=0 -Dp99Ms= ...
# What it does:
#   1. if nothing answers at $KEYTURN_BENCH_URL (default http://127.0.0.1:8081), starts Keyturn with
#      bench/start-keyturn.sh and stops it again at the end (BENCH_START=0: never start one);
#   2. seeds the 200 accounts with bench/seed.sh (idempotent; BENCH_SEED=0 skips it);
#   3. runs each Gatling simulation (../mvnw -f bench/pom.xml gatling:test), bounded in time;
#   4. prints a table per simulation (count, errors, rps over the measured window, p50/p95/p99/max) and, for
#      mixed, the ratio of /users/me p99 during the login storm to without it. HTML reports: bench/target/gatling/.
# Exit status: non-zero when a simulation failed its assertions (any failed request, by default).
set -euo pipefail
. "$(dirname "$0")/bench-env.sh"

sims=() props=() duration=20
for a in "$@"; do
  case "$a" in
    -D*) props+=("$a"); case "$a" in -Dduration=*) duration=${a#-Dduration=} ;; esac ;;
    all) sims+=(login refresh protected mixed) ;;
    login|refresh|protected|mixed) sims+=("$a") ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) bench_die "unknown argument '$a' (login|refresh|protected|mixed|all, -Dname=value)" ;;
  esac
done
[ ${#sims[@]} -gt 0 ] || sims=(login refresh protected mixed)
duration=${duration%s}

started=""
cleanup() { if [ -n "$started" ]; then "$BENCH_HOME/start-keyturn.sh" stop || true; fi; }
trap cleanup EXIT

if [ "$(bench_http_code "$KEYTURN_BENCH_URL/q/health/ready")" != 200 ]; then
  [ "${BENCH_START:-1}" != 0 ] || bench_die "nothing ready at $KEYTURN_BENCH_URL and BENCH_START=0"
  bench_log "no Keyturn at $KEYTURN_BENCH_URL: starting one (stopped again at the end)"
  started=$("$BENCH_HOME/start-keyturn.sh" start)
fi
[ "${BENCH_SEED:-1}" = 0 ] || "$BENCH_HOME/seed.sh"

mkdir -p "$BENCH_DIR"
{
  echo "== $(date -u +%FT%TZ) bench/run.sh ${sims[*]} ${props[*]:-}"
  echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/{print $2}') MiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $("$JAVA" -version 2>&1 | head -1); target $KEYTURN_BENCH_URL (pid ${started:-$(cat "$BENCH_DIR/keyturn.pid" 2>/dev/null || echo '?')})"
} | tee -a "$BENCH_DIR/runs.txt" >&2

rc=0
summaries=()
for sim in "${sims[@]}"; do
  class="dev.keyturn.bench.$(tr '[:lower:]' '[:upper:]' <<< "${sim:0:1}")${sim:1}Simulation"
  log="$BENCH_DIR/gatling-$sim.log"
  bench_log "running $class (log $log)"
  set +e
  JAVA_HOME="$BENCH_JAVA_HOME" timeout 1800 "$REPO_ROOT/mvnw" -B --no-transfer-progress -f "$BENCH_HOME/pom.xml" \
    gatling:test -Dgatling.simulationClass="$class" -DbaseUrl="$KEYTURN_BENCH_URL" -Dusers="$BENCH_USERS" \
    -Dpassword="$BENCH_PASSWORD" ${props[@]+"${props[@]}"} 2>&1 | tee "$log" | grep --line-buffered -v '^\[INFO\]' >&2
  src=${PIPESTATUS[0]}
  set -e
  [ "$src" = 0 ] || { rc=1; bench_log "$sim: Gatling/Maven exited $src (failed assertions or error; see $log)"; }
  report=$(sed -n 's#.*please open the following file: file://\(.*\)/index.html.*#\1#p' "$log" | tail -1)
  if [ -n "$report" ]; then
    summaries+=("== $sim ($report/index.html)" "$("$BENCH_HOME/report-summary.sh" "$report" "$duration")")
  else
    summaries+=("== $sim: no report (see $log)")
  fi
done

printf '%s\n' "${summaries[@]}" | tee -a "$BENCH_DIR/runs.txt"
exit "$rc"
