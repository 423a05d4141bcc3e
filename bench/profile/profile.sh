#!/usr/bin/env bash
# Profiles the running benchmark Keyturn with JFR while a load runs, then prints where its CPU goes.
#   bench/profile/profile.sh                                   # 20 s of the refresh simulation (bench/run.sh refresh)
#   bench/profile/profile.sh -- bench/run.sh protected -Dduration=20
#   bench/profile/profile.sh -- java ../shared/bench/AuthBench.java --target ours,base=http://127.0.0.1:8081 --scenarios refresh ...
#   bench/profile/profile.sh --analyze recording.jfr           # only the breakdown of an existing recording
# The recording ($BENCH_DIR/profile-<time>.jfr) uses JFR's "profile" settings plus JDK 25's CPU-time sampler
# (jdk.CPUTimeSample, Linux): bench/profile/JfrBreakdown.java buckets the samples by component (RSA/EC signing,
# HMAC, JWT/JSON, Jackson, PostgreSQL client, Hibernate, HTTP, Netty, ...) and lists the hottest methods and the
# GC pauses. Keyturn must be running (bench/start-keyturn.sh) on the JDK that bench-env.sh names.
set -euo pipefail
. "$(dirname "$0")/../bench-env.sh"

jdk_bin=$(dirname "$JAVA")
analyze() { "$JAVA" "$BENCH_HOME/profile/JfrBreakdown.java" "$1" --top "${PROFILE_TOP:-25}"; }

case "${1:-}" in
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  --analyze) [ -n "${2:-}" ] || bench_die "--analyze needs a .jfr file"; analyze "$2"; exit 0 ;;
  --) shift ;;
  "") ;;
  *) bench_die "unknown argument $1 (see --help)" ;;
esac
[ $# -gt 0 ] || set -- "$BENCH_HOME/run.sh" refresh -Dduration=20 -Dwarmup=5

pid=$("$BENCH_HOME/start-keyturn.sh" pid) || bench_die "no benchmark Keyturn running (bench/start-keyturn.sh)"
mkdir -p "$BENCH_DIR"
file="$BENCH_DIR/profile-$(date -u +%Y%m%dT%H%M%SZ).jfr"
name="keyturn-profile-$$"
"$jdk_bin/jcmd" "$pid" JFR.start name="$name" settings=profile filename="$file" \
  'jdk.CPUTimeSample#enabled=true' 'jdk.CPUTimeSample#throttle=10ms' >&2
stop() { "$jdk_bin/jcmd" "$pid" JFR.stop name="$name" >&2 || true; }
trap stop EXIT
status=0
"$@" || status=$?
stop
trap - EXIT
bench_log "recording: $file"
analyze "$file"
exit "$status"
