#!/usr/bin/env bash
# Fills the benchmark database with a large, realistic population, by SQL (generate_series), for the target
# "refresh p99 with 1 M users and 5 M refresh-token rows <= 1.2x the empty database".
#   users:           big0000001@big.local ...  (not @bench.local: the 200 benchmark accounts are left alone),
#                    one constant bcrypt-shaped hash, 2% unverified, 0.2% disabled, 0.01% admins
#   sessions:        1-5 per user (3 on average), created 1-40 days ago (so a quarter have expired), about a quarter revoked
#   refresh_tokens:  chains of 1 or 2 per session linked by parent_id (5/3 on average: 5 per user), every one
#                    but the last used, the last one the session's current_token_id
# Ids are derived from the row numbers (md5 -> uuid), so a re-run skips what is there (ON CONFLICT DO NOTHING)
# and an interrupted fill resumes. Batches of --batch users, one transaction each; foreign-key triggers are
# skipped during the load (session_replication_role = replica: the rows are consistent by construction).
# Keyturn must have started once on the database (Flyway creates the schema); it may keep running.
#
# Usage: bench/big-db/big-db.sh [--users N | --scale F] [--batch 50000] [--max-minutes 60]
#        bench/big-db/big-db.sh --clean        delete every @big.local user with its sessions and tokens
#        bench/big-db/big-db.sh --count        row counts
#   --scale F   users = F x 1,000,000 (e.g. --scale 0.01 for a quick test: 10 k users, ~50 k tokens)
set -euo pipefail
. "$(dirname "$0")/../bench-env.sh"

users=1000000 batch=50000 max_minutes=60 mode=fill
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift ;;
    --scale) users=$(awk -v f="$2" 'BEGIN { printf "%d", f * 1000000 }'); shift ;;
    --batch) batch=$2; shift ;;
    --max-minutes) max_minutes=$2; shift ;;
    --clean) mode=clean ;;
    --count) mode=count ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) bench_die "unknown argument $1" ;;
  esac
  shift
done
[ "$users" -gt 0 ] && [ "$batch" -gt 0 ] || bench_die "--users and --batch must be positive"

[ "$(bench_psql -tAc "select to_regclass('public.refresh_tokens') is not null")" = t ] ||
  bench_die "no Keyturn schema in $BENCH_DB: start Keyturn once (bench/start-keyturn.sh) so that Flyway creates it"

counts() {
  bench_psql -tA -F ' ' -c "select (select count(*) from users), (select count(*) from users where email like '%@big.local'),
    (select count(*) from sessions), (select count(*) from refresh_tokens),
    pg_size_pretty(pg_database_size(current_database()))" |
    awk '{ printf "users %s (%s @big.local), sessions %s, refresh_tokens %s, database %s %s\n", $1, $2, $3, $4, $5, $6 }'
}

case "$mode" in
  count) counts; exit 0 ;;
  clean)
    bench_log "deleting @big.local users, their sessions and refresh tokens"
    bench_psql <<'SQL'
begin;
set local session_replication_role = replica;
delete from refresh_tokens t using sessions s, users u
  where t.session_id = s.id and s.user_id = u.id and u.email like '%@big.local';
delete from sessions s using users u where s.user_id = u.id and u.email like '%@big.local';
delete from users where email like '%@big.local';
commit;
vacuum analyze users;
vacuum analyze sessions;
vacuum analyze refresh_tokens;
SQL
    counts; exit 0 ;;
esac

# A syntactically valid bcrypt (cost 10) string; nobody logs in as these users.
hash='$2a$10$CwTycUXWue0Thq9StjUM0uJ8.zdY6VmQ7b6Gq8mPp0fDq3Jx3W9Xa'
deadline=$(( $(date +%s) + max_minutes * 60 ))
t_start=$(date +%s)
bench_log "filling $BENCH_DB: $users users in batches of $batch (stops after $max_minutes min; re-run resumes)"
for (( lo = 1; lo <= users; lo += batch )); do
  hi=$(( lo + batch - 1 )); [ "$hi" -le "$users" ] || hi=$users
  if [ "$(date +%s)" -ge "$deadline" ]; then
    bench_log "time limit reached before users $lo..$hi; re-run to resume"; break
  fi
  t0=$(date +%s%N)
  bench_psql -v lo="$lo" -v hi="$hi" -v hash="$hash" <<'SQL'
begin;
set local session_replication_role = replica;
set local synchronous_commit = off;

insert into users (id, username, email, password_hash, email_verified, disabled, roles, created_at, updated_at)
select md5('kt-big-u' || u)::uuid,
       'big' || lpad(u::text, 7, '0'),
       'big' || lpad(u::text, 7, '0') || '@big.local',
       :'hash',
       u % 50 <> 0,
       u % 500 = 0,
       case when u % 10000 = 0 then array['user', 'admin'] else array['user'] end,
       now() - interval '400 days' + (u % 300) * interval '1 day',
       now() - interval '60 days' + (u % 17) * interval '1 day'
from generate_series(:lo::bigint, :hi::bigint) as u
on conflict do nothing;

-- 1-5 sessions per user; chain length 1 or 2 (5/3 tokens per session on average)
create temporary table big_s on commit drop as
select u, s,
       md5('kt-big-s' || u || '.' || s)::uuid as id,
       1 + ((u * 31 + s) % 3 <> 0)::int as len,
       now() - (((u * 13 + s * 7) % 40) + 1) * interval '1 day' - (u % 1440) * interval '1 minute' as created
from generate_series(:lo::bigint, :hi::bigint) as u,
     generate_series(1::bigint, 1 + (u * 7919) % 5) as s;

insert into sessions (id, user_id, created_at, last_used_at, expires_at, revoked_at, revoked_reason,
                      user_agent, ip, current_token_id)
select id,
       md5('kt-big-u' || u)::uuid,
       created,
       created + (len - 1) * interval '1 hour',
       created + interval '30 days',
       case when (u + s) % 5 = 0 then created + (len - 1) * interval '1 hour' + interval '1 minute' end,
       case when (u + s) % 5 = 0 then 'logout' end,
       case s % 3 when 0 then 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
                  when 1 then 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) Mobile/15E148'
                  else 'okhttp/4.12.0' end,
       '10.' || (u % 250) || '.' || (s * 17 % 250) || '.' || (u * 7 % 250),
       md5('kt-big-t' || u || '.' || s || '.' || len)::uuid
from big_s
on conflict do nothing;

insert into refresh_tokens (id, session_id, parent_id, token_hash, issued_at, expires_at, used_at)
select md5('kt-big-t' || u || '.' || s || '.' || p)::uuid,
       id,
       case when p > 1 then md5('kt-big-t' || u || '.' || s || '.' || (p - 1))::uuid end,
       sha256(convert_to('kt-big-t' || u || '.' || s || '.' || p, 'UTF8')),
       created + (p - 1) * interval '1 hour',
       least(created + (p - 1) * interval '1 hour' + interval '7 days', created + interval '30 days'),
       case when p < len then created + p * interval '1 hour' end
from big_s, generate_series(1, len) as p
on conflict do nothing;
commit;
SQL
  bench_log "users $lo..$hi done in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
done
bench_log "vacuum analyze"
bench_psql -c "vacuum analyze users" -c "vacuum analyze sessions" -c "vacuum analyze refresh_tokens"
bench_log "done in $(( $(date +%s) - t_start )) s: $(counts)"
