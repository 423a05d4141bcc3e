#!/usr/bin/env bash
# ab.sh - two builds of Keyturn side by side in one run: did a change cost throughput? Builds the packaged JVM
# application of each revision (a copy of its files, cached by commit under $AB_DIR), starts both with
# bench/start-keyturn.sh on their own port, database and work directory (same shipped JVM options), seeds each,
# then runs AuthBench round-robin over the two (ABBA rounds) and prints its summary.
#   bench/ab/ab.sh BEFORE [AFTER]        (AFTER defaults to the working tree's own build, target/quarkus-app)
# Needs PostgreSQL on 127.0.0.1:5432 and ../shared/bench. Environment: SCENARIOS (refresh,protected), ROUNDS (3),
# DURATION (10s), WARMUP (4s), PREWARM (15s), CONCURRENCY (16), AB_DIR (/tmp/keyturn-ab). About 8 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
BEFORE=${1:?usage: bench/ab/ab.sh BEFORE [AFTER]}
AFTER=${2:-}
AB_DIR=${AB_DIR:-/tmp/keyturn-ab}
SHARED=${SHARED_BENCH:-$REPO/../shared/bench}
J=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
PGPID=$(head -1 /var/run/postgresql/15-main.pid 2>/dev/null || echo "")
OUT=$AB_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
log() { echo "[ab] $*" >&2; }

# The packaged application of one revision: target/quarkus-app of a copy of that commit's files (git archive, so
# the checkout gains no worktree), built once.
app_of() {
  local commit build
  commit=$(git rev-parse --short=12 "$1^{commit}")
  build=$AB_DIR/build-$commit
  if [ ! -f "$build/target/quarkus-app/quarkus-run.jar" ]; then
    log "building $1 ($commit) in $build"
    rm -rf "$build"; mkdir -p "$build"
    git archive "$commit" | tar -x -C "$build"
    (cd "$build" && ./mvnw -B -q -o package -DskipTests >&2)
  fi
  echo "$build/target/quarkus-app/quarkus-run.jar"
}

jar_a=$(app_of "$BEFORE")
if [ -n "$AFTER" ]; then
  jar_b=$(app_of "$AFTER")
else
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q -o package -DskipTests >&2
  jar_b=$REPO/target/quarkus-app/quarkus-run.jar
fi

names=(before after) ports=(8101 8102) jars=("$jar_a" "$jar_b")
env_of() { echo "BENCH_DIR=$AB_DIR/run-$1 KEYTURN_BENCH_PORT=$2 BENCH_DB=keyturn_ab_$1 KEYTURN_BUILD=never KEYTURN_JAR=$3"; }
stop_all() { for i in 0 1; do env $(env_of "${names[$i]}" "${ports[$i]}" "${jars[$i]}") bench/start-keyturn.sh stop \
  >/dev/null 2>&1 || true; done; }
trap stop_all EXIT

{ echo "date: $(date -u +%FT%TZ)"; echo "nproc: $(nproc)"; echo "loadavg before: $(cat /proc/loadavg)";
  echo "before: $BEFORE ($jar_a)"; echo "after: ${AFTER:-working tree} ($jar_b)"; } | tee "$OUT/conditions.txt"

targets=()
for i in 0 1; do
  spec=$(env_of "${names[$i]}" "${ports[$i]}" "${jars[$i]}")
  env $spec bench/start-keyturn.sh reset-db >/dev/null 2>&1 || true
  env $spec bench/start-keyturn.sh start >/dev/null
  env $spec bench/seed.sh >/dev/null
  pid=$(cat "$AB_DIR/run-${names[$i]}/keyturn.pid")
  targets+=(--target "ours,name=${names[$i]},base=http://127.0.0.1:${ports[$i]},pid=$pid${PGPID:+,db_pid=$PGPID}")
done
log "AuthBench: ${SCENARIOS:-refresh,protected}, round-robin over before and after"
"$J" "$SHARED/AuthBench.java" "${targets[@]}" --scenarios "${SCENARIOS:-refresh,protected}" \
  --concurrency "${CONCURRENCY:-16}" --duration "${DURATION:-10s}" --warmup "${WARMUP:-4s}" \
  --prewarm "${PREWARM:-15s}" --rounds "${ROUNDS:-3}" --out "$OUT/authbench.jsonl" > /dev/null
"$J" "$SHARED/AuthBench.java" summarize "$OUT/authbench.jsonl" | tee "$OUT/summary.md"
log "results in $OUT"
