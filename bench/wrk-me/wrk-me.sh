#!/usr/bin/env bash
# GET /users/me (or Keycloak's userinfo) under wrk, a load generator far lighter than a JVM client: on two cores
# the JDK client of the referee saturates before Keyturn does on this route. One access token per target, so
# each target serves one hot user.
#   bench/wrk-me/wrk-me.sh keyturn  [duration=15s] [warmup=20s]     Keyturn at $KEYTURN_BENCH_URL (bench/start-keyturn.sh)
#   bench/wrk-me/wrk-me.sh keycloak [duration=15s] [warmup=20s]     Keycloak of ../shared/bench/keycloak.sh (KC_URL)
# Environment: WRK_THREADS (2), WRK_CONNECTIONS (16), KC_URL (http://127.0.0.1:8080), KC_REALM (bench),
# KC_CLIENT (bench-cli). Needs wrk (Debian: apt-get install wrk) and curl. Prints wrk's report (latency
# distribution included) after an unreported warm-up of the same shape.
set -euo pipefail
. "$(dirname "$0")/../bench-env.sh"

target=${1:-keyturn} duration=${2:-15s} warmup=${3:-20s}
threads=${WRK_THREADS:-2} connections=${WRK_CONNECTIONS:-16}
command -v wrk > /dev/null || bench_die "wrk is not installed (apt-get install wrk)"

json_field() { sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p"; }

case "$target" in
  keyturn)
    url="$KEYTURN_BENCH_URL/users/me"
    token=$(curl -s -m 30 -X POST "$KEYTURN_BENCH_URL/auth/login" -H 'Content-Type: application/json' \
      --data "{\"email\":\"user0001@bench.local\",\"password\":\"$BENCH_PASSWORD\"}" | json_field access_token) ;;
  keycloak)
    kc=${KC_URL:-http://127.0.0.1:8080} realm=${KC_REALM:-bench}
    case "$kc" in http://127.*|http://localhost*) ;; *) bench_die "KC_URL must be a loopback URL" ;; esac
    url="$kc/realms/$realm/protocol/openid-connect/userinfo"
    token=$(curl -s -m 30 -X POST "$kc/realms/$realm/protocol/openid-connect/token" \
      --data-urlencode grant_type=password --data-urlencode "client_id=${KC_CLIENT:-bench-cli}" \
      --data-urlencode username=user0001 --data-urlencode "password=$BENCH_PASSWORD" \
      --data-urlencode scope=openid | json_field access_token) ;;
  *) bench_die "target is keyturn or keycloak, not $target" ;;
esac
[ -n "$token" ] || bench_die "could not get an access token from $target"

code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
[ "$code" = 200 ] || bench_die "$url answered $code with the token"

bench_log "warm-up $warmup: wrk -t$threads -c$connections $url"
wrk -t"$threads" -c"$connections" -d"$warmup" -H "Authorization: Bearer $token" "$url" > /dev/null
bench_log "measured $duration"
wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "$url"
