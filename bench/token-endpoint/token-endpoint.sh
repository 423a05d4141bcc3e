#!/usr/bin/env bash
# token-endpoint/token-endpoint.sh - Keyturn's POST /oauth/token and Keycloak's token endpoint side by side in one run
# (bench/README.md, "Token endpoint"): the client_credentials grant (a confidential client, client_secret_basic, a new
# token per request) and the refresh_token grant (each virtual user logs in once with the password grant, then
# rotates its own refresh token), RS256 and then ES256 on both, interleaved rounds (ABBA) of TokenBench.java.
#   bench/token-endpoint/token-endpoint.sh [OUT_DIR]     (default /tmp/keyturn-bench/token-endpoint-<UTC time>)
# For each algorithm in ALGS: Keycloak's realm gets that defaultSignatureAlgorithm (an ES256 key provider is added if
# the realm has no active ES256 key), Keyturn is (re)started with KEYTURN_BENCH_ALG and the two clients in
# KEYTURN_CLIENTS, then TokenBench measures both. The first token of each target is checked to carry that "alg".
# Keycloak: ../shared/bench/keycloak.sh up (started here if it is not running, and stopped again at the end; realm
# bench, public client bench-cli, 200 users); the confidential client bench-svc (service accounts on) is (re)created
# here through the admin REST API with the bootstrap admin. Keyturn: bench/start-keyturn.sh on its own port, work
# directory and database (below), seeded with bench/seed.sh, stopped at the end. Client secrets are made at run time
# (openssl rand) and never written to OUT_DIR. Needs PostgreSQL on 127.0.0.1:5432, curl, openssl, psql, Temurin 25.
# About 17 minutes with the defaults (2 algorithms x 2 scenarios x 2 targets x 3 rounds of 5 + 20 s, pre-warm 30 s),
# plus 2-4 minutes when Keycloak has to be started (the first time also fetched and its realm created).
# A second Keyturn, keyturn-jdk, signs with the JDK's providers (KEYTURN_CRYPTO_PROVIDER=jdk) instead of ACCP, the JVM
# default (token/CryptoProvider): same build, options and database (a replica), its own port, keys and log. The logs
# must show who signs in each, or the run stops. KEYTURN_JDK=0 leaves it out (a third shorter).
# Environment: ALGS ("RS256 ES256"), SCENARIOS (client_credentials,refresh_token), ROUNDS (3), DURATION (20s),
# WARMUP (5s), PREWARM (30s), CONCURRENCY (16), KEEP_KEYCLOAK=1 (leave a Keycloak this script started running),
# KT_PORT (8084), KT_BENCH_DIR (/tmp/keyturn-bench/token-endpoint), KT_DB (keyturn_bench_token), KEYTURN_JDK (1),
# KT_JDK_PORT (8085), KT_JDK_BENCH_DIR (/tmp/keyturn-bench/token-endpoint-jdk), SHARED_BENCH.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
SHARED=${SHARED_BENCH:-$REPO/../shared/bench}
KC="$SHARED/keycloak.sh"
J=${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
OUT=${1:-/tmp/keyturn-bench/token-endpoint-$(date -u +%Y%m%dT%H%M%SZ)}
ALGS=${ALGS:-RS256 ES256}
SCENARIOS=${SCENARIOS:-client_credentials,refresh_token}
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-20s} WARMUP=${WARMUP:-5s} PREWARM=${PREWARM:-30s} CONCURRENCY=${CONCURRENCY:-16}
KT_PORT=${KT_PORT:-8084}
export BENCH_DIR=${KT_BENCH_DIR:-/tmp/keyturn-bench/token-endpoint} BENCH_DB=${KT_DB:-keyturn_bench_token} \
  KEYTURN_BENCH_PORT=$KT_PORT KEYTURN_BENCH_URL=http://127.0.0.1:$KT_PORT
KEYTURN_JDK=${KEYTURN_JDK:-1}
KT_JDK_PORT=${KT_JDK_PORT:-8085}
KT_JDK_DIR=${KT_JDK_BENCH_DIR:-/tmp/keyturn-bench/token-endpoint-jdk}
KC_BASE=http://127.0.0.1:${KC_PORT:-8080}
KC_REALM=${KC_REALM:-bench}
PGPID=$(head -1 /var/run/postgresql/15-main.pid 2>/dev/null || echo "")
mkdir -p "$OUT"
log() { echo "[token-endpoint] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Secrets of this run only: in the environment of Keyturn (KEYTURN_CLIENTS) and TokenBench (cc_secret_env).
export TOKEN_BENCH_KEYTURN_SECRET TOKEN_BENCH_KEYCLOAK_SECRET
TOKEN_BENCH_KEYTURN_SECRET=$(openssl rand -hex 24)
TOKEN_BENCH_KEYCLOAK_SECRET=$(openssl rand -hex 24)
KEYTURN_CLIENTS='[{"client_id":"bench-svc","name":"Bench service","type":"confidential","grant_types":["client_credentials"],"scopes":["bench.read"],"client_secret":"'"$TOKEN_BENCH_KEYTURN_SECRET"'"},{"client_id":"bench-app","name":"Bench app","type":"public","grant_types":["password","refresh_token"],"scopes":[]}]'

# keyturn_jdk CMD...: CMD with the environment of the second Keyturn (port, work directory, JDK providers)
keyturn_jdk() {
  BENCH_DIR=$KT_JDK_DIR KEYTURN_BENCH_PORT=$KT_JDK_PORT KEYTURN_BENCH_URL=http://127.0.0.1:$KT_JDK_PORT \
    KEYTURN_CRYPTO_PROVIDER=jdk "$@"
}
# signer LOG EXPECTED: the provider a Keyturn's start-up log names (token/CryptoProvider); stops the run on another
signer() {
  local who; who=$(sed -n 's/.*Tokens are signed by \(.*\)$/\1/p' "$1" | tail -1)
  case "$who" in "$2"*) echo "$who" ;; *) die "$1: tokens are signed by '${who:-?}', expected $2" ;; esac
}

kc_started=""
cleanup() {
  set +e
  bench/start-keyturn.sh stop >/dev/null 2>&1
  keyturn_jdk bench/start-keyturn.sh stop >/dev/null 2>&1
  if [ -n "$kc_started" ] && [ "${KEEP_KEYCLOAK:-}" != 1 ]; then "$KC" stop
  elif kc_ready; then kc_set_alg RS256 >/dev/null 2>&1; log "Keycloak left running, realm $KC_REALM back on RS256"; fi
}
trap cleanup EXIT

# --- Keycloak ------------------------------------------------------------------------------------------------------
kc_ready() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:${KC_MGMT_PORT:-9000}/health/ready" || true)" = 200 ]; }
kc_admin_token() {
  curl -sf -m 10 "$KC_BASE/realms/master/protocol/openid-connect/token" -d grant_type=password -d client_id=admin-cli \
    --data-urlencode "username=${KC_ADMIN:-admin}" --data-urlencode "password=${KC_ADMIN_PASSWORD:-admin}" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
# kc_api METHOD PATH [JSON]: prints the body, fails on a status outside 2xx
kc_api() {
  local tok code; tok=$(kc_admin_token); [ -n "$tok" ] || die "no Keycloak admin token"
  code=$(curl -s -o "$OUT/.kc-answer" -w '%{http_code}' -m 30 -X "$1" -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$KC_BASE/admin/realms/$KC_REALM$2")
  cat "$OUT/.kc-answer"; rm -f "$OUT/.kc-answer"
  [ "${code:0:1}" = 2 ] || { echo >&2; die "Keycloak $1 /admin/realms/$KC_REALM$2 answered $code"; }
}
kc_client_uuid() { kc_api GET "/clients?clientId=$1" | sed -n 's/^\[{"id":"\([^"]*\)".*/\1/p'; }

kc_bench_client() { # the confidential client bench-svc, made anew with this run's secret
  local id; id=$(kc_client_uuid bench-svc)
  [ -z "$id" ] || kc_api DELETE "/clients/$id" > /dev/null
  kc_api POST /clients '{"clientId":"bench-svc","name":"Bench service","enabled":true,"publicClient":false,
    "clientAuthenticatorType":"client-secret","secret":"'"$TOKEN_BENCH_KEYCLOAK_SECRET"'","serviceAccountsEnabled":true,
    "standardFlowEnabled":false,"implicitFlowEnabled":false,"directAccessGrantsEnabled":false}' > /dev/null
  log "Keycloak: confidential client bench-svc (service account, client-secret) created"
}

kc_set_alg() { # realm default signature algorithm; an ES256 key provider first if there is no active ES256 key
  local alg=$1
  if [ "$alg" != RS256 ] && ! kc_api GET /keys | grep -q "\"active\":{[^}]*\"$alg\""; then
    local realm_id; realm_id=$(kc_api GET "" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
    kc_api POST /components '{"name":"ecdsa-generated-bench","providerId":"ecdsa-generated","providerType":"org.keycloak.keys.KeyProvider",
      "parentId":"'"$realm_id"'","config":{"priority":["100"],"enabled":["true"],"active":["true"],"ecdsaEllipticCurveKey":["P-256"]}}' > /dev/null
    log "Keycloak: added an ecdsa-generated (P-256) key provider to realm $KC_REALM"
  fi
  kc_api PUT "" '{"defaultSignatureAlgorithm":"'"$alg"'"}' > /dev/null
  log "Keycloak: realm $KC_REALM defaultSignatureAlgorithm=$alg (active keys: $(kc_api GET /keys | grep -o '"active":{[^}]*}'))"
}

# --- smoke tests: one token of each kind from each side, and the algorithm in its header ----------------------------
jwt_alg() { local h; h=$(cut -d. -f1 | tr '_-' '/+'); while [ $(( ${#h} % 4 )) != 0 ]; do h="$h="; done; echo "$h" | base64 -d 2>/dev/null | sed -n 's/.*"alg":"\([^"]*\)".*/\1/p'; }
smoke() { # name url cc_secret rt_client user alg
  local at
  at=$(curl -sf -m 20 -u "bench-svc:$3" -d grant_type=client_credentials "$2" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p') ||
    die "$1: client_credentials failed"
  [ "$(jwt_alg <<< "$at")" = "$6" ] || die "$1: client_credentials token is signed $(jwt_alg <<< "$at"), expected $6"
  at=$(curl -sf -m 20 -d grant_type=password -d client_id="$4" --data-urlencode "username=$5" -d password=bench-pass-1 "$2" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p') || die "$1: password grant failed"
  [ "$(jwt_alg <<< "$at")" = "$6" ] || die "$1: password-grant token is signed $(jwt_alg <<< "$at"), expected $6"
  log "$1: client_credentials and password grant answer, tokens signed $6"
}

if ! kc_ready; then
  log "starting Keycloak ($KC up)"
  "$KC" up
  kc_started=1
fi
KCPID=$("$KC" pid)
kc_bench_client

{ echo "date: $(date -u +%FT%TZ)"; echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo ' (modified)')"
  echo "nproc: $(nproc)"; echo "loadavg before: $(cat /proc/loadavg)"; echo "java: $("$J" -version 2>&1 | tail -1)"
  echo "keycloak: $(ls -d "${KC_ROOT:-/tmp/kc}"/keycloak-* 2>/dev/null | sed 's#.*/##' | tail -1), pid $KCPID"
  echo "settings: ALGS=\"$ALGS\" SCENARIOS=$SCENARIOS ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP PREWARM=$PREWARM CONCURRENCY=$CONCURRENCY"
} | tee "$OUT/conditions.txt" >&2

t_start=$(date +%s)
for alg in $ALGS; do
  log "=== $alg ==="
  kc_set_alg "$alg"
  bench/start-keyturn.sh stop >/dev/null 2>&1 || true
  keyturn_jdk bench/start-keyturn.sh stop >/dev/null 2>&1 || true
  KTPID=$(KEYTURN_BENCH_ALG=$alg KEYTURN_CLIENTS=$KEYTURN_CLIENTS bench/start-keyturn.sh start)
  bench/seed.sh
  smoke keycloak "$KC_BASE/realms/$KC_REALM/protocol/openid-connect/token" "$TOKEN_BENCH_KEYCLOAK_SECRET" bench-cli user0001 "$alg"
  smoke keyturn "$KEYTURN_BENCH_URL/oauth/token" "$TOKEN_BENCH_KEYTURN_SECRET" bench-app user0001@bench.local "$alg"
  echo "$alg: keyturn pid $KTPID, tokens signed by $(signer "$BENCH_DIR/keyturn.log" AmazonCorrettoCryptoProvider)" >> "$OUT/conditions.txt"
  jdk_target=()
  if [ "$KEYTURN_JDK" = 1 ]; then
    KTJPID=$(KEYTURN_BENCH_ALG=$alg KEYTURN_CLIENTS=$KEYTURN_CLIENTS keyturn_jdk bench/start-keyturn.sh start)
    smoke keyturn-jdk "http://127.0.0.1:$KT_JDK_PORT/oauth/token" "$TOKEN_BENCH_KEYTURN_SECRET" bench-app user0001@bench.local "$alg"
    echo "$alg: keyturn-jdk pid $KTJPID, tokens signed by $(signer "$KT_JDK_DIR/keyturn.log" "the JDK's providers")" >> "$OUT/conditions.txt"
    jdk_target=(--target "name=keyturn-jdk,alg=$alg,token_url=http://127.0.0.1:$KT_JDK_PORT/oauth/token,pid=$KTJPID${PGPID:+,db_pid=$PGPID},cc_client=bench-svc,cc_secret_env=TOKEN_BENCH_KEYTURN_SECRET,rt_client=bench-app,user_format=user%04d@bench.local")
  fi
  echo "$alg: loadavg before $(cat /proc/loadavg)" >> "$OUT/conditions.txt"
  "$J" bench/token-endpoint/TokenBench.java \
    --target "name=keycloak,alg=$alg,token_url=$KC_BASE/realms/$KC_REALM/protocol/openid-connect/token,pid=$KCPID${PGPID:+,db_pid=$PGPID},cc_client=bench-svc,cc_secret_env=TOKEN_BENCH_KEYCLOAK_SECRET,rt_client=bench-cli,user_format=user%04d" \
    --target "name=keyturn,alg=$alg,token_url=$KEYTURN_BENCH_URL/oauth/token,pid=$KTPID${PGPID:+,db_pid=$PGPID},cc_client=bench-svc,cc_secret_env=TOKEN_BENCH_KEYTURN_SECRET,rt_client=bench-app,user_format=user%04d@bench.local" \
    "${jdk_target[@]}" \
    --scenarios "$SCENARIOS" --concurrency "$CONCURRENCY" --duration "$DURATION" --warmup "$WARMUP" --prewarm "$PREWARM" \
    --rounds "$ROUNDS" --out "$OUT/results.jsonl" > /dev/null
  echo "$alg: loadavg after $(cat /proc/loadavg)" >> "$OUT/conditions.txt"
  bench/start-keyturn.sh stop
  [ "$KEYTURN_JDK" != 1 ] || keyturn_jdk bench/start-keyturn.sh stop
done
echo "elapsed: $(( $(date +%s) - t_start )) s" >> "$OUT/conditions.txt"

"$J" bench/token-endpoint/TokenBench.java summarize "$OUT/results.jsonl" | tee "$OUT/summary.md"
log "results: $OUT (results.jsonl, summary.md, conditions.txt)"
