#!/usr/bin/env bash
# native-floor/native-floor.sh - what Keyturn's fixed stack costs natively before any Keyturn code: start-up (to the
# first 200 on /q/health/ready) and RSS after ready of the smallest applications on that stack, side by side with
# Keyturn's own native executable in one run (bench/README.md, "The native floor"; issue 15's 0.1 s and 60 MiB).
#   bench/native-floor/native-floor.sh [OUT_DIR]          (default /tmp/keyturn-bench/native-floor)
# Variants (bench/native-floor/pom.xml): rest (Quarkus REST with Jackson and SmallRye Health), stack (+ Hibernate
# Reactive with Panache on the reactive PostgreSQL client, SmallRye JWT, BcryptUtil, the Mailer, one entity), and
# extensions (+ the other extensions Keyturn has, without code). Each is built native with the toolchain and the -Os
# of Keyturn's build (~5-10 min each on 2 cores, skipped when $OUT/<variant> exists; FLOOR_REBUILD=1 rebuilds). Keyturn is
# NATIVE (default target/keyturn-*-runner), started as a replica whose schema a Job migrated.
# Environment: STARTS (5), VARIANTS ("rest stack extensions").
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/bench-env.sh
REPO=$PWD
OUT=${1:-/tmp/keyturn-bench/native-floor}
SHARED=${SHARED_BENCH:-$REPO/../shared/bench}
NATIVE=${NATIVE:-$(ls "$REPO"/target/keyturn-*-runner 2>/dev/null | head -1 || true)}
VARIANTS=${VARIANTS:-rest stack extensions}
STARTS=${STARTS:-5}
mkdir -p "$OUT"
[ -x "${NATIVE:-}" ] || bench_die "no native Keyturn executable: build it (./mvnw package -Dnative) or set NATIVE"

profiles() { case $1 in rest) echo "" ;; stack) echo "-Pstack" ;; extensions) echo "-Pstack,extensions" ;;
  *) bench_die "unknown variant $1" ;; esac; }
for v in $VARIANTS; do profiles "$v" >/dev/null; done # an unknown variant stops here, not inside $(...) below

graal=$(scripts/native-toolchain.sh)
for v in $VARIANTS; do
  [ -x "$OUT/$v" ] && [ "${FLOOR_REBUILD:-}" != 1 ] && continue
  bench_log "building $v natively ($(profiles "$v"))"
  # the floor project is outside the reactor; the build directory is per variant so that none reuses another's
  (cd bench/native-floor && JAVA_HOME=$graal "$REPO/mvnw" -q -B package $(profiles "$v") \
      -Dquarkus.native.graalvm-home="$graal" -Dfloor.build.directory="$OUT/build-$v" \
      > "$OUT/build-$v.log" 2>&1) || bench_die "build of $v failed: $OUT/build-$v.log"
  cp "$OUT/build-$v/native-floor-1-runner" "$OUT/$v"
done

# the floor's database: one table for its one entity (the variants only read it)
BENCH_PSQL_DB=postgres bench_psql -c "CREATE DATABASE keyturn_bench_floor" >/dev/null 2>&1 || true
BENCH_PSQL_DB=keyturn_bench_floor bench_psql -c "CREATE TABLE IF NOT EXISTS floor_items (id uuid PRIMARY KEY, name text)"

# Keyturn's bench database, migrated once; the timed starts skip Flyway as replicas do
export BENCH_DIR=/tmp/keyturn-bench/native-floor-keyturn KEYTURN_BENCH_PORT=8181 BENCH_DB=keyturn_bench_native_floor
export KEYTURN_BUILD=never KEYTURN_NATIVE=$NATIVE
bench/start-keyturn.sh start >/dev/null
bench/start-keyturn.sh stop >/dev/null

rss_parts() { # pid -> "rss anon file" in MiB from smaps_rollup
  awk '/^Rss:/{r=$2} /^Anonymous:/{a=$2} END{printf "%.1f %.1f %.1f", r/1024, a/1024, (r-a)/1024}' "/proc/$1/smaps_rollup"
}

results=$OUT/results.jsonl
: > "$results"
{ echo "date: $(date -u +%FT%TZ)"; echo "commit: $(git rev-parse --short HEAD)"; echo "nproc: $(nproc)"
  echo "loadavg before: $(cat /proc/loadavg)"; echo "keyturn: $NATIVE ($(stat -c %s "$NATIVE") bytes)"
  for v in $VARIANTS; do echo "$v: $(stat -c %s "$OUT/$v") bytes"; done; } | tee "$OUT/run.txt"

time_one() { # name url -- command...
  local name=$1 url=$2; shift 3
  "$SHARED/startup.sh" -n "$STARTS" -i 10 -l "$OUT/startup-$name.log" "$url" -- "$@" \
    | sed "s/^{/{\"target\":\"$name\",/" | tee -a "$results"
  # one more start for the parts of the RSS after ready
  "$@" > "$OUT/parts-$name.log" 2>&1 &
  local p=$!
  for _ in $(seq 1 500); do [ "$(bench_http_code "$url")" = 200 ] && break; sleep 0.01; done
  echo "{\"target\":\"$name\",\"rss_parts_mib\":\"$(rss_parts $p)\"}" | tee -a "$results"
  kill $p; wait $p 2>/dev/null || true
}

for v in $VARIANTS; do
  time_one "$v" "http://127.0.0.1:8180/q/health/ready" -- "$OUT/$v"
done
( export KEYTURN_MIGRATE_AT_START=false; eval "$(bench/start-keyturn.sh env)"
  time_one keyturn "http://127.0.0.1:8181/q/health/ready" -- "$@" )
echo "loadavg after: $(cat /proc/loadavg)" | tee -a "$OUT/run.txt"
bench_log "results: $results"
