#!/usr/bin/env bash
# native-vs-jvm/native-vs-jvm.sh - the native executable and the JVM build side by side in one run (bench/README.md, "Native and
# JVM"): start-up medians, RSS after ready and under load, AuthBench throughput, and the JVM heap A/B.
#   bench/native-vs-jvm/native-vs-jvm.sh [OUT_DIR]        (default /tmp/keyturn-bench/native-vs-jvm)
# Needs target/keyturn-*-runner (./mvnw package -Dnative, deploy/README.md) and target/quarkus-app (./mvnw package
# -DskipTests), PostgreSQL on 127.0.0.1:5432 and ../shared/bench. Each instance runs the prod profile on its own port,
# database and work directory (bench/start-keyturn.sh); rate limits off. About 20 minutes on 2 cores.
# Instances: native, native-premigrated (the same executable with KEYTURN_MIGRATE_AT_START=false, as replicas run when a
# Job migrates the schema once per release), the JVM variants, and ES256 ones. NATIVE (default target/keyturn-*-runner)
# names the native executable; native-b is a second one, NATIVE_B, for an A/B of two native builds in one run.
# Environment: LOGIN (1; 0 skips the login runs), ROUNDS (2), DURATION (10s), WARMUP (4s), PREWARM (15s), CONCURRENCY (16), JVM_OPTS_SHIPPED (the
# images' defaults, below), STARTS (5), STARTUP (the instances whose start-up is timed: "native jvm-shipped
# jvm-default"; empty skips that part), ONLY (instance names to run, e.g. "jvm-default jvm-shipped"; default all, and
# without a native executable all but the native ones), KEYCLOAK=1 (adds the Keycloak that ../shared/bench/keycloak.sh
# started, as one more RS256 target, for the ratios to it in the same run).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
OUT=${1:-/tmp/keyturn-bench/native-vs-jvm}
SHARED=${SHARED_BENCH:-$REPO/../shared/bench}
J=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
NATIVE=${NATIVE:-$(ls "$REPO"/target/keyturn-*-runner 2>/dev/null | head -1 || true)}
NATIVE_B=${NATIVE_B:-}
PGPID=$(head -1 /var/run/postgresql/15-main.pid 2>/dev/null || echo "")
# What Dockerfile.jvm and bench/start-keyturn.sh give the JVM (keep in step with them).
JVM_OPTS_SHIPPED=${JVM_OPTS_SHIPPED:--XX:ThreadPriorityPolicy=1 -XX:+UseSerialGC -Xms64m -Xmx128m -XX:MaxMetaspaceSize=128m -XX:-TieredCompilation -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError}
mkdir -p "$OUT"
log() { echo "[native-vs-jvm] $*" >&2; }

# name port alg kind [java options]. jvm-previous: the options shipped until 2026-12-07, without C2-only compilation
# (-XX:-TieredCompilation) and native-heap trimming; jvm-previous-trim: with the trimming alone. The A/B behind the
# shipped options (bench/README.md, "Native and JVM").
instances=(
  "native 8091 RS256 native"
  "jvm-default 8092 RS256 jvm -XX:ThreadPriorityPolicy=1"
  "jvm-shipped 8093 RS256 jvm $JVM_OPTS_SHIPPED"
  "jvm-previous 8090 RS256 jvm -XX:ThreadPriorityPolicy=1 -XX:+UseSerialGC -Xms64m -Xmx128m -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError"
  "jvm-previous-trim 8089 RS256 jvm -XX:ThreadPriorityPolicy=1 -XX:+UseSerialGC -Xms64m -Xmx128m -XX:MaxMetaspaceSize=128m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError"
  "jvm-128m-g1 8094 RS256 jvm -XX:ThreadPriorityPolicy=1 -XX:+UseG1GC -Xms64m -Xmx128m -XX:MaxMetaspaceSize=128m"
  "jvm-96m-serial 8097 RS256 jvm -XX:ThreadPriorityPolicy=1 -XX:+UseSerialGC -Xms64m -Xmx96m -XX:MaxMetaspaceSize=128m"
  "jvm-lean 8098 RS256 jvm -XX:ThreadPriorityPolicy=1 -XX:+UseSerialGC -Xms32m -Xmx96m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m -Xss512k"
  "native-premigrated 8099 RS256 native"
  "native-b 8088 RS256 native-b"
  "native-es256 8095 ES256 native"
  "jvm-shipped-es256 8096 ES256 jvm $JVM_OPTS_SHIPPED"
)

selected=()
for i in "${instances[@]}"; do
  set -- $i
  if [ -n "${ONLY:-}" ]; then [[ " $ONLY " == *" $1 "* ]] || continue
  elif [ "$4" = native ] && [ -z "$NATIVE" ]; then log "no native executable in target/: skipping $1"; continue; fi
  if [ "$4" = native-b ] && [ -z "$NATIVE_B" ]; then [ -z "${ONLY:-}" ] || log "NATIVE_B is not set: skipping $1"; continue; fi
  selected+=("$i")
done
instances=("${selected[@]}")

env_of() { # name port alg kind opts... -> variables for start-keyturn.sh
  local name=$1 port=$2 alg=$3 kind=$4; shift 4
  echo "BENCH_DIR=/tmp/keyturn-bench/$name KEYTURN_BENCH_PORT=$port KEYTURN_BENCH_ALG=$alg BENCH_DB=keyturn_bench_${name//-/_} KEYTURN_BUILD=never"
  case $kind in
    native) echo "KEYTURN_NATIVE=$NATIVE" ;;
    native-b) echo "KEYTURN_NATIVE=$NATIVE_B" ;;
    *) echo "KEYTURN_JAVA_OPTS='$*'" ;;
  esac
  # a replica whose schema a release's Job migrated (deploy/README.md, "Schema migrations"): no Flyway at its start
  case $name in *-premigrated) echo "KEYTURN_MIGRATE_AT_START=false" ;; esac
}
with_env() { local spec=$1; shift; eval "$(env_of $spec | tr '\n' ' ') $*"; }

pid_of() { cat "/tmp/keyturn-bench/$1/keyturn.pid"; }

# Every instance stays up for the ABBA rounds, each with its pool and two LISTEN connections, next to Keycloak's pool:
# beyond max_connections, the last ones started get 503s ("too many clients", db/PoolWarmup's warning) and so does
# Keycloak, and the run measures that instead. ~20 connections for Keycloak at c=16.
max_connections=$(. bench/bench-env.sh && BENCH_PSQL_DB=postgres bench_psql -tAc 'show max_connections' 2>/dev/null || echo 0)
keycloak_connections=0
[ "${KEYCLOAK:-}" != 1 ] || keycloak_connections=20
needed=$(( ${#instances[@]} * (${KEYTURN_DB_POOL_SIZE:-20} + 2) + keycloak_connections ))
if [ "$max_connections" -gt 0 ] && [ "$needed" -gt "$max_connections" ]; then
  log "ERROR: ${#instances[@]} instances x (pool ${KEYTURN_DB_POOL_SIZE:-20} + 2) + $keycloak_connections for Keycloak = $needed connections, PostgreSQL allows $max_connections: run fewer at once (ONLY=...) or set KEYTURN_DB_POOL_SIZE"
  exit 2
fi

stop_all() { for i in "${instances[@]}"; do with_env "$i" bench/start-keyturn.sh stop >/dev/null 2>&1 || true; done; }
trap stop_all EXIT

{ echo "date: $(date -u +%FT%TZ)"; echo "nproc: $(nproc)"; echo "loadavg before: $(cat /proc/loadavg)";
  echo "native: $NATIVE"; [ -z "$NATIVE_B" ] || echo "native-b: $NATIVE_B"; echo "java: $("$J" -version 2>&1 | tail -1)"; echo "jvm-shipped options: $JVM_OPTS_SHIPPED"; } | tee "$OUT/conditions.txt"

# 1. start-up: 5 cold starts each of the server's own command (no script, no build, database already made)
for i in "${instances[@]}"; do
  set -- $i
  [[ " ${STARTUP-native jvm-shipped jvm-default} " == *" $1 "* ]] || continue
  # database, keys, schema (a premigrated instance's schema too: this start is not timed)
  with_env "$i" KEYTURN_MIGRATE_AT_START=true bench/start-keyturn.sh start >/dev/null && with_env "$i" bench/start-keyturn.sh stop >/dev/null
  log "start-up of $1"
  # the server's own command line with its environment, so that the ~20 ms of bench/start-keyturn.sh are not timed
  name=$1 port=$2
  ( eval "$(with_env "$i" bench/start-keyturn.sh env)"
    "$SHARED/startup.sh" -n "${STARTS:-5}" -i 10 -l "$OUT/startup-$name.log" "http://127.0.0.1:$port/q/health/ready" -- "$@"
  ) > "$OUT/startup-$name.jsonl"
  tail -1 "$OUT/startup-$name.jsonl" >&2
done

# 2. throughput and RSS under load: every instance up, seeded, then AuthBench round-robin (ABBA)
targets=() rs=() es=() login=()
if [ "${KEYCLOAK:-}" = 1 ]; then
  kc=(--target "keycloak,name=keycloak,pid=$("$SHARED/keycloak.sh" pid)${PGPID:+,db_pid=$PGPID}")
  rs+=("${kc[@]}"); login+=("${kc[@]}")
fi
for i in "${instances[@]}"; do
  set -- $i
  with_env "$i" KEYTURN_MIGRATE_AT_START=true bench/start-keyturn.sh start >/dev/null
  with_env "$i" bench/seed.sh >/dev/null
  echo "$1 RSS after ready+seed: $(( $(awk '/^VmRSS:/{print $2}' /proc/$(pid_of "$1")/status) / 1024 )) MiB" | tee -a "$OUT/conditions.txt"
  target=(--target "ours,name=$1,base=http://127.0.0.1:$2,pid=$(pid_of "$1")${PGPID:+,db_pid=$PGPID}")
  if [ "$3" = ES256 ]; then es+=("${target[@]}"); else rs+=("${target[@]}"); fi
  case $1 in native|native-b|jvm-shipped) login+=("${target[@]}") ;; esac
done
common=(--concurrency "${CONCURRENCY:-16}" --duration "${DURATION:-10s}" --warmup "${WARMUP:-4s}" --prewarm "${PREWARM:-15s}"
  --rounds "${ROUNDS:-2}" --out "$OUT/authbench.jsonl")
if [ ${#rs[@]} -gt 0 ]; then
  log "AuthBench RS256: refresh, protected"
  "$J" "$SHARED/AuthBench.java" "${rs[@]}" --scenarios refresh,protected "${common[@]}" > /dev/null
fi
if [ ${#login[@]} -gt 0 ] && [ "${LOGIN:-1}" = 1 ]; then
  log "AuthBench RS256: login, native and the shipped JVM (bcrypt-bound: the heap variants do not change it)"
  "$J" "$SHARED/AuthBench.java" "${login[@]}" --scenarios login "${common[@]}" > /dev/null
fi
if [ ${#es[@]} -gt 0 ]; then
  log "AuthBench ES256: refresh"
  "$J" "$SHARED/AuthBench.java" "${es[@]}" --scenarios refresh "${common[@]}" > /dev/null
fi
for i in "${instances[@]}"; do
  set -- $i
  echo "$1 RSS after the load: $(( $(awk '/^VmRSS:/{print $2}' /proc/$(pid_of "$1")/status) / 1024 )) MiB" | tee -a "$OUT/conditions.txt"
done
echo "loadavg after: $(cat /proc/loadavg)" | tee -a "$OUT/conditions.txt"
"$J" "$SHARED/AuthBench.java" summarize "$OUT/authbench.jsonl" | tee "$OUT/summary.md"
