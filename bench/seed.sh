#!/usr/bin/env bash
# Seeds the benchmark accounts through the API, then marks them verified in the database.
#   user0001 / user0001@bench.local ... user0200 / user0200@bench.local, password bench-pass-1
# 1. asks the database which of them exist already (re-running skips them: idempotent);
# 2. signs each missing one up with POST /auth/signup (201; 409 = created meanwhile, fine), SEED_PARALLEL at a
#    time (default 4; each sign-up costs one bcrypt on the server);
# 3. `update users set email_verified = true where email like '%@bench.local'` (login will require a verified
#    email), and checks that every account is there and verified.
# Usage: bench/seed.sh            (Keyturn must be running: bench/start-keyturn.sh)
# Environment: BENCH_USERS (200), BENCH_PASSWORD, KEYTURN_BENCH_URL, BENCH_DB, SEED_PARALLEL; see bench-env.sh.
set -euo pipefail
. "$(dirname "$0")/bench-env.sh"

[ "$(bench_http_code "$KEYTURN_BENCH_URL/q/health/ready")" = 200 ] ||
  bench_die "Keyturn is not ready at $KEYTURN_BENCH_URL (start it: bench/start-keyturn.sh)"

existing=$(bench_psql -tAc "select email from users where email like '%@bench.local'")
missing=()
for i in $(seq 1 "$BENCH_USERS"); do
  email=$(printf 'user%04d@bench.local' "$i")
  if ! grep -qxF "$email" <<< "$existing"; then missing+=("$i"); fi
done
bench_log "$(( BENCH_USERS - ${#missing[@]} )) of $BENCH_USERS accounts exist; signing up ${#missing[@]}"

signup() { # $1 = index; prints the HTTP status
  local u; u=$(printf 'user%04d' "$1")
  curl -s -o /dev/null -m 30 -w '%{http_code}\n' -X POST "$KEYTURN_BENCH_URL/auth/signup" \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "{\"username\":\"$u\",\"email\":\"$u@bench.local\",\"password\":\"$BENCH_PASSWORD\"}" || echo 000
}
export -f signup
export KEYTURN_BENCH_URL BENCH_PASSWORD

if [ ${#missing[@]} -gt 0 ]; then
  t0=$(date +%s)
  codes=$(printf '%s\n' "${missing[@]}" | xargs -P "${SEED_PARALLEL:-4}" -I{} bash -c 'signup {}')
  bench_log "sign-up answers: $(sort <<< "$codes" | uniq -c | awk '{printf "%s x %s  ", $2, $1}')in $(( $(date +%s) - t0 )) s"
  bad=$(grep -cvE '^(201|409)$' <<< "$codes" || true)
  [ "$bad" = 0 ] || bench_die "$bad sign-ups failed (see the answers above and $BENCH_DIR/keyturn.log)"
fi

bench_psql -c "update users set email_verified = true where email like '%@bench.local' and not email_verified"
verified=$(bench_psql -tAc "select count(*) from users where email like '%@bench.local' and email_verified")
[ "$verified" -ge "$BENCH_USERS" ] || bench_die "only $verified verified bench accounts, expected $BENCH_USERS"

code=$(curl -s -o /dev/null -m 30 -w '%{http_code}' -X POST "$KEYTURN_BENCH_URL/auth/login" -H 'Content-Type: application/json' \
  --data "{\"email\":\"user0001@bench.local\",\"password\":\"$BENCH_PASSWORD\"}" || echo 000)
[ "$code" = 200 ] || bench_die "login as user0001@bench.local answered $code"
bench_log "ok: $verified verified accounts user0001..$(printf 'user%04d' "$BENCH_USERS")@bench.local; login works"
