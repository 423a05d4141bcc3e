#!/usr/bin/env bash
# Starts Keyturn for benchmarking: prod profile, the packaged JVM application, the local PostgreSQL
# (database keyturn_bench), real keys made by scripts/generate-keys.sh, on 127.0.0.1:8081.
#
# Usage: bench/start-keyturn.sh [start|run|exec|stop|restart|status|pid|reset-db]
#   start     (default) build the application if it is missing or older than the sources
#             (KEYTURN_BUILD=auto|always|never), create the database if needed, generate keys once into
#             $BENCH_DIR/keys-<alg>, start `java -jar target/quarkus-app/quarkus-run.jar` in the background,
#             wait (at most 120 s) for /q/health/ready, then print the PID of the java process on stdout
#             (KEYTURN_PID=$(bench/start-keyturn.sh) works; progress goes to stderr). Log: $BENCH_DIR/keyturn.log
#   run       the same, in the foreground, without PID file or readiness wait (the command to give to
#             ../shared/bench/startup.sh to measure start-up time and RSS)
#   exec      like run, without making or checking the database, keys and build first (a start must have made
#             them): execs straight into the server, so that startup.sh times the server alone. The native
#             executable is ready in less time than the psql calls of `run` take.
#   env       print the environment, directory and command line that exec gives the server, as shell commands, for a
#             start-up measurement without this script in it: eval "$(bench/start-keyturn.sh env)", then "$@" is the
#             server (../shared/bench/startup.sh ... -- "$@")
#   stop      SIGTERM to the PID this script started, SIGKILL after 30 s
#   restart   stop, then start
#   status    running or not, and the URL
#   pid       print the PID
#   reset-db  drop and re-create the database (Keyturn must be stopped); Flyway re-creates the schema at start
# Environment: see bench/bench-env.sh (KEYTURN_BENCH_PORT, KEYTURN_BENCH_ALG=RS256|ES256, BENCH_DB, BENCH_DIR,
# BENCH_JAVA_HOME) and KEYTURN_JAVA_OPTS (JVM options, default those of Dockerfile.jvm: serial GC, 64-128 MiB heap, metaspace bound, C2-only compilation, native-heap trimming, thread priorities), KEYTURN_DB_POOL_SIZE (default 20).
# KEYTURN_JAR runs another build (e.g. a copy of target/quarkus-app, to compare two builds side by side on two ports).
# KEYTURN_NATIVE=path/to/keyturn-*-runner runs that native executable instead of the JVM (build it
# with ./mvnw package -Dnative, deploy/README.md); KEYTURN_JAVA_OPTS does not apply to it, KEYTURN_NATIVE_OPTS (its
# run-time options, e.g. -Xmx64m) does.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh"

PID_FILE="$BENCH_DIR/keyturn.pid"
LOG_FILE="$BENCH_DIR/keyturn.log"
JAR="${KEYTURN_JAR:-$REPO_ROOT/target/quarkus-app/quarkus-run.jar}"

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local p; p=$(cat "$PID_FILE")
  kill -0 "$p" 2>/dev/null || return 1
  echo "$p"
}

ensure_db() {
  pg_isready -q -h "$BENCH_PGHOST" -p "$BENCH_PGPORT" || bench_die "PostgreSQL is not answering on $BENCH_PGHOST:$BENCH_PGPORT"
  if [ "$(BENCH_PSQL_DB=postgres bench_psql -tAc "select 1 from pg_database where datname = '$BENCH_DB'")" != 1 ]; then
    BENCH_PSQL_DB=postgres bench_psql -c "create database $BENCH_DB"
    bench_log "created database $BENCH_DB"
  fi
}

# With autovacuum off (as on the CI machines: conf.d/90-ci.conf), dead rows of earlier runs pile up and each run
# measures a more bloated table than the last: vacuum before a start instead. Not in `run`, whose start-up
# startup.sh times.
vacuum_if_autovacuum_off() {
  if [ "$(bench_psql -tAc 'show autovacuum')" = off ]; then
    bench_psql -c "vacuum analyze" && bench_log "autovacuum is off: vacuumed $BENCH_DB"
  fi
}

# The keys of KEYTURN_BENCH_ALG live in KEY_DIR, one directory per algorithm.
set_key_dir() {
  KEY_DIR="$BENCH_DIR/keys-$(echo "$KEYTURN_BENCH_ALG" | tr '[:upper:]' '[:lower:]')"
}

# For exec and env, which make nothing: a start must have generated the keys.
require_keys() {
  set_key_dir
  [ -f "$KEY_DIR/keys.env" ] || bench_die "no keys in $KEY_DIR: run bench/start-keyturn.sh start once first"
}

ensure_keys() {
  set_key_dir
  if [ ! -f "$KEY_DIR/signing-key.pem" ] || [ ! -f "$KEY_DIR/keys.env" ]; then
    mkdir -p "$KEY_DIR"
    "$REPO_ROOT/scripts/generate-keys.sh" "$KEY_DIR" "$KEYTURN_BENCH_ALG" > "$KEY_DIR/keys.env.tmp"
    mv "$KEY_DIR/keys.env.tmp" "$KEY_DIR/keys.env"
    chmod 600 "$KEY_DIR/keys.env"
    bench_log "generated $KEYTURN_BENCH_ALG keys in $KEY_DIR"
  fi
}

ensure_build() {
  if [ -n "${KEYTURN_NATIVE:-}" ]; then
    [ -x "$KEYTURN_NATIVE" ] || bench_die "KEYTURN_NATIVE=$KEYTURN_NATIVE is not an executable"
    return 0
  fi
  local mode=${KEYTURN_BUILD:-auto} stale=""
  if [ -f "$JAR" ]; then
    stale=$(find "$REPO_ROOT/src/main" "$REPO_ROOT/pom.xml" -newer "$JAR" -type f -print -quit)
  fi
  if [ "$mode" = always ] || { [ "$mode" = auto ] && { [ ! -f "$JAR" ] || [ -n "$stale" ]; }; }; then
    bench_log "building the application (./mvnw package -DskipTests${stale:+; newer than the jar: $stale})"
    (cd "$REPO_ROOT" && ./mvnw -B -q --no-transfer-progress package -DskipTests) >&2
  fi
  [ -f "$JAR" ] || bench_die "$JAR is missing (KEYTURN_BUILD=never?)"
}

# Runs Keyturn with the benchmark environment. It execs java: call it in a subshell or background job
# (whose PID then is java's), or as the last thing this script does.
launch() {
  launch_env
  launch_command
  exec "${server_command[@]}"
}

# The server's command line, in server_command: the native executable, or java with the images' options.
launch_command() {
  if [ -n "${KEYTURN_NATIVE:-}" ]; then
    # shellcheck disable=SC2206
    server_command=("$KEYTURN_NATIVE" ${KEYTURN_NATIVE_OPTS-})
  else
    # shellcheck disable=SC2206
    server_command=("$JAVA" ${KEYTURN_JAVA_OPTS--XX:+UseSerialGC -Xms64m -Xmx128m -XX:MaxMetaspaceSize=128m -XX:-TieredCompilation -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError -XX:ThreadPriorityPolicy=1} -jar "$JAR")
  fi
}

# The environment and working directory that launch gives the server.
launch_env() {
  # Only the KEYTURN_* lines the key script printed: algorithm, key file, refresh-token secret.
  key_env=$(grep -E '^KEYTURN_[A-Z_]+=' "$KEY_DIR/keys.env")
  cd "$REPO_ROOT"
  set -a
  eval "$key_env"
  set +a
  export PORT="$KEYTURN_BENCH_PORT" \
    QUARKUS_HTTP_HOST=127.0.0.1 \
    QUARKUS_PROFILE=prod \
    KEYTURN_DB_URL="postgresql://$BENCH_PGHOST:$BENCH_PGPORT/$BENCH_DB" \
    KEYTURN_DB_USERNAME="$BENCH_PGUSER" \
    KEYTURN_DB_PASSWORD="${KEYTURN_DB_PASSWORD:-}" \
    KEYTURN_DB_POOL_SIZE="${KEYTURN_DB_POOL_SIZE:-20}" \
    KEYTURN_ISSUER="$KEYTURN_BENCH_URL" \
    QUARKUS_MAILER_MOCK=true
  # The load comes from one address and loops on few sessions: rate limits off unless set (0 = off). A switched-off
  # limit skips its upsert (login figures exclude it); refreshes still count on the session row they update anyway.
  local limit
  for limit in LOGIN_PER_IP LOGIN_PER_ACCOUNT_AND_IP LOGIN_PER_ACCOUNT SIGNUP_PER_IP FORGOT_PER_ACCOUNT FORGOT_PER_IP \
      RESEND_PER_IP REFRESH_PER_SESSION; do
    export "KEYTURN_RATE_LIMIT_$limit=$(printenv "KEYTURN_RATE_LIMIT_$limit" || echo 0)"
  done
}

cmd_run() {
  ensure_db
  ensure_keys
  ensure_build
  launch
}

cmd_exec() {
  require_keys
  launch
}

# Prints what exec gives the server, as shell commands (cd, exports, and set -- with the server's command line), so that a
# start-up measurement execs the server itself, without the ~20 ms of this script: eval "$(bench/start-keyturn.sh env)";
# then "$@" is the server.
cmd_env() {
  require_keys
  local before
  before=$(env -0 | sort -z | tr '\0' '\n')
  launch_env
  printf 'cd %q\n' "$PWD"
  comm -13 <(echo "$before") <(env -0 | sort -z | tr '\0' '\n') | while IFS= read -r line; do
    case $line in [A-Za-z_]*=*) printf 'export %s=%q\n' "${line%%=*}" "${line#*=}" ;; esac
  done
  launch_command
  printf 'set --'; printf ' %q' "${server_command[@]}"; echo
}

cmd_start() {
  local p
  if p=$(running_pid); then
    bench_log "already running, pid $p ($KEYTURN_BENCH_URL)"
    echo "$p"; return 0
  fi
  if [ "$(bench_http_code "$KEYTURN_BENCH_URL/q/health/live")" != 000 ]; then
    bench_die "something else already answers on $KEYTURN_BENCH_URL; stop it or set KEYTURN_BENCH_PORT"
  fi
  mkdir -p "$BENCH_DIR"
  ensure_db
  vacuum_if_autovacuum_off
  ensure_keys
  ensure_build
  local t0; t0=$(date +%s%N)
  launch > "$LOG_FILE" 2>&1 < /dev/null &
  p=$!
  echo "$p" > "$PID_FILE"
  bench_log "started pid $p with ${KEYTURN_NATIVE:-$JAVA} ($KEYTURN_BENCH_ALG, db $BENCH_DB, log $LOG_FILE); waiting for /q/health/ready"
  local deadline=$(( $(date +%s) + 120 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if ! kill -0 "$p" 2>/dev/null; then
      tail -40 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      bench_die "Keyturn exited during start-up (log above, $LOG_FILE)"
    fi
    if [ "$(bench_http_code "$KEYTURN_BENCH_URL/q/health/ready")" = 200 ]; then
      bench_log "ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms on $KEYTURN_BENCH_URL"
      echo "$p"
      return 0
    fi
    sleep 0.2
  done
  cmd_stop
  bench_die "not ready after 120 s (log: $LOG_FILE)"
}

cmd_stop() {
  local p
  if ! p=$(running_pid); then
    rm -f "$PID_FILE"
    bench_log "not running"
    return 0
  fi
  kill -TERM "$p"
  for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$p" 2>/dev/null; then
    bench_log "pid $p still alive after 30 s; SIGKILL"
    kill -KILL "$p" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  bench_log "stopped pid $p"
}

cmd_reset_db() {
  if running_pid > /dev/null; then bench_die "stop Keyturn first (bench/start-keyturn.sh stop)"; fi
  BENCH_PSQL_DB=postgres bench_psql -c "drop database if exists $BENCH_DB"
  BENCH_PSQL_DB=postgres bench_psql -c "create database $BENCH_DB"
  bench_log "database $BENCH_DB dropped and re-created (empty; the schema comes at the next start)"
}

case "${1:-start}" in
  start) cmd_start ;;
  run) cmd_run ;;
  exec) cmd_exec ;;
  env) cmd_env ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) if p=$(running_pid); then echo "running pid $p $KEYTURN_BENCH_URL"; else echo "not running"; exit 1; fi ;;
  pid) running_pid || bench_die "not running" ;;
  reset-db) cmd_reset_db ;;
  -h|--help|help) sed -n '2,25p' "$0" ;;
  *) bench_die "unknown command '$1' (start|run|exec|stop|restart|status|pid|reset-db)" ;;
esac
