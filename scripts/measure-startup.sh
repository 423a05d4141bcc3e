#!/usr/bin/env bash
# measure-startup.sh - time to ready and memory of the packaged service: plain JVM against JVM + AOT cache.
#
# Usage: scripts/measure-startup.sh [-b] [-n RUNS] [-L LOGINS]
#   -b         build the variants first (JDK 25; about 3-5 min): target/startup/jvm (fast-jar, a copy) and
#              target/quarkus-app (aot-jar + app.aot trained by the integration tests, ./mvnw verify -Paot)
#   -n RUNS    measured starts per variant (default 5; one unmeasured warm-up start precedes them)
#   -L LOGINS  after the RSS reading, drive a little load (LOGINS logins + 10x as many GET /users/me, 4 at a time)
#              and read the RSS again: the numbers the Kubernetes requests/limits are sized from
#
# For each start: spawn the service, poll GET /q/health/ready (loopback) every 50 ms, and print the milliseconds
# from spawn to the first 200, the CPU time the process used until then (robust to other load on the machine)
# and its RSS right after ready; then SIGTERM it and wait for it to exit. Medians per variant at the end.
#
# Variants (VARIANTS="jvm17 jvm25 aot25" by default; each skipped when its directory or JDK is missing):
#   jvm17  target/startup/jvm on JDK 17 (what src/main/docker/Dockerfile.jvm runs)
#   jvm25  target/startup/jvm on JDK 25, no AOT cache
#   aot25  target/quarkus-app on JDK 25 with -XX:AOTCache=app.aot (src/main/docker/Dockerfile.jvm-aot), in place:
#          with the cache, Quarkus' aot-jar launcher finds its quarkus-application.dat through the code source that
#          the cache recorded, i.e. the build's target/quarkus-app while that exists, so a copy of the directory
#          would run with whatever a later build left there (an image, without that path, is not affected)
#
# Needs a PostgreSQL: by default the local one on 127.0.0.1:5432, user postgres, trust authentication; the
# database keyturn_startup is created if missing (override with KEYTURN_DB_URL/KEYTURN_DB_USERNAME/
# KEYTURN_DB_PASSWORD). Keys are generated into target/startup/keys. Environment: JDK25, JDK17, PORT (18080), and
# JAVA_OPTS: extra JVM options for every variant, e.g. what a 1-CPU, 512 MiB container gives the JVM:
#   JAVA_OPTS="-XX:ActiveProcessorCount=1 -XX:MaxRAM=512m -XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=25" \
#     scripts/measure-startup.sh -L 50
# (with the AOT cache the initial heap must hold the cache's archived objects: below ~16 MiB the JVM refuses to start)
set -uo pipefail
cd "$(dirname "$0")/.."

RUNS=5 BUILD=false LOGINS=0
while getopts "bn:L:h" o; do
  case "$o" in
    b) BUILD=true ;; n) RUNS=$OPTARG ;; L) LOGINS=$OPTARG ;;
    *) sed -n "2,29p" "$0"; exit 2 ;;
  esac
done

JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
PORT=${PORT:-18080}
OUT=target/startup
URL="http://127.0.0.1:$PORT/q/health/ready"

die() { echo "measure-startup: $*" >&2; exit 1; }
[ -x "$JDK25/bin/java" ] || die "no JDK 25 at $JDK25 (set JDK25)"
command -v curl >/dev/null || die "curl is needed"

if $BUILD; then
  mkdir -p "$OUT"
  echo "building the plain JVM variant (fast-jar) ..." >&2
  rm -rf target/quarkus-app
  JAVA_HOME=$JDK25 ./mvnw -B -q --no-transfer-progress package -DskipTests || die "build failed"
  rm -rf "$OUT/jvm" && cp -a target/quarkus-app "$OUT/jvm"
  echo "building the AOT variant (aot-jar, cache trained by the integration tests) ..." >&2
  rm -rf target/quarkus-app
  JAVA_HOME=$JDK25 ./mvnw -B -q --no-transfer-progress verify -Paot -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    || die "AOT build failed"
  [ -f target/quarkus-app/app.aot ] || die "the AOT build wrote no target/quarkus-app/app.aot"
  rm -rf "$OUT/aot"
fi

# --- database and keys, as production takes them
if [ -z "${KEYTURN_DB_URL:-}" ]; then
  command -v psql >/dev/null || die "psql is needed to prepare the local database (or set KEYTURN_DB_URL)"
  export KEYTURN_DB_URL=postgresql://127.0.0.1:5432/keyturn_startup KEYTURN_DB_USERNAME=postgres KEYTURN_DB_PASSWORD=
  psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = 'keyturn_startup'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "create database keyturn_startup" || die "cannot create database keyturn_startup"
fi
if [ ! -f "$OUT/keys/env" ]; then
  mkdir -p "$OUT/keys"
  scripts/generate-keys.sh "$OUT/keys" RS256 > "$OUT/keys/env" || die "key generation failed"
fi
set -a; . "$OUT/keys/env"; set +a
export PORT KEYTURN_SIGNING_KEY="$PWD/$KEYTURN_SIGNING_KEY"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' '); [ -n "$s" ] && [ "${s#Z}" = "$s" ]; }
rss_mib() { awk '/^VmRSS:/{printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz}' "/proc/$1/stat" 2>/dev/null; }
median() { sort -n | awk '{v[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

stop() { # SIGTERM the service we started and wait for it (SIGKILL after 30 s)
  local pid=$1
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

load() { # a little traffic: one account, LOGINS logins and 10x as many /users/me
  local email="startup$RANDOM$RANDOM@example.com" body token
  body="{\"username\":\"u$RANDOM$RANDOM\",\"email\":\"$email\",\"password\":\"correct horse battery staple\"}"
  curl -s -o /dev/null -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/auth/signup"
  body="{\"email\":\"$email\",\"password\":\"correct horse battery staple\"}"
  token=$(curl -s -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/auth/login" \
    | sed -E 's/.*"access_token":"([^"]*)".*/\1/')
  seq 1 "$LOGINS" | xargs -P 4 -I{} curl -s -o /dev/null -H 'Content-Type: application/json' -d "$body" \
    "http://127.0.0.1:$PORT/auth/login"
  seq 1 $(( LOGINS * 10 )) | xargs -P 4 -I{} curl -s -o /dev/null -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$PORT/users/me"
}

# one start: prints "ready_ms cpu_ms rss_mib [rss_loaded_mib]" or fails
start_once() {
  local dir=$1 log=$2; shift 2
  port_free || die "port $PORT is taken; set PORT"
  local t0 pid ready="" code
  t0=$(now_ms)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  (cd "$dir" && exec "$@" ${JAVA_OPTS:-} -jar quarkus-run.jar) > "$log" 2>&1 &
  pid=$!
  while [ $(( $(now_ms) - t0 )) -lt 180000 ]; do
    code=$(curl -s -o /dev/null -m 1 -w '%{http_code}' "$URL" 2>/dev/null)
    if [ "$code" = 200 ]; then ready=$(( $(now_ms) - t0 )); break; fi
    alive "$pid" || break
    sleep 0.05
  done
  if [ -z "$ready" ]; then
    alive "$pid" && stop "$pid"
    echo "not ready (see $log)" >&2
    return 1
  fi
  local cpu rss loaded=""
  cpu=$(cpu_ms "$pid"); rss=$(rss_mib "$pid")
  if [ "$LOGINS" -gt 0 ]; then load; loaded=$(rss_mib "$pid"); fi
  stop "$pid"
  echo "$ready $cpu $rss $loaded"
}

variant_cmd() { # prints "dir java [jvm options]" of a variant, or fails
  case "$1" in
    jvm17) echo "$OUT/jvm $JDK17/bin/java" ;;
    jvm25) echo "$OUT/jvm $JDK25/bin/java" ;;
    aot25) echo "target/quarkus-app $JDK25/bin/java -XX:AOTCache=app.aot" ;;
    *) die "unknown variant $1 (jvm17, jvm25, aot25)" ;;
  esac
}

# Runs are interleaved (run 1 of every variant, then run 2, ...), so that changing load on a shared machine
# weighs on all variants alike.
mkdir -p "$OUT"; : > "$OUT/summary"
variants=()
for v in ${VARIANTS:-jvm17 jvm25 aot25}; do
  read -r dir java opts <<< "$(variant_cmd "$v")"
  [ -f "$dir/quarkus-run.jar" ] || { echo "skip $v: no $dir (run with -b)" >&2; continue; }
  [ "$v" != aot25 ] || [ -s "$dir/app.aot" ] \
    || { echo "skip $v: no app.aot in $dir (run with -b, or JAVA_HOME=<jdk 25> ./mvnw verify -Paot)" >&2; continue; }
  [ -x "$java" ] || { echo "skip $v: no $java" >&2; continue; }
  # shellcheck disable=SC2086
  start_once "$dir" "$OUT/$v.warmup.log" "$java" $opts > /dev/null || { echo "skip $v: the warm-up start failed" >&2; continue; }
  variants+=("$v"); : > "$OUT/$v.results"
done
for run in $(seq 1 "$RUNS"); do
  for v in "${variants[@]}"; do
    read -r dir java opts <<< "$(variant_cmd "$v")"
    sleep 1
    # shellcheck disable=SC2086
    line=$(start_once "$dir" "$OUT/$v.$run.log" "$java" $opts) || continue
    echo "$v run $run: ready_ms cpu_ms rss_mib loaded_mib = $line" >&2
    echo "$line" >> "$OUT/$v.results"
  done
done
for v in "${variants[@]}"; do
  r="$OUT/$v.results"
  [ -s "$r" ] || continue
  printf '%-6s %4d %10s %10s %9s %11s\n' "$v" "$(wc -l < "$r")" \
    "$(awk '{print $1}' "$r" | median)" "$(awk '{print $2}' "$r" | median)" "$(awk '{print $3}' "$r" | median)" \
    "$(if [ "$LOGINS" -gt 0 ]; then awk '{print $4}' "$r" | median; else echo -; fi)" >> "$OUT/summary"
done

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); medians of $RUNS starts (after one warm-up)${JAVA_OPTS:+; JAVA_OPTS=$JAVA_OPTS}"
printf '%-6s %4s %10s %10s %9s %11s\n' variant runs ready_ms cpu_ms rss_mib loaded_mib
cat "$OUT/summary"
