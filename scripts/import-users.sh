#!/usr/bin/env bash
# Imports users into Keyturn (POST /admin/users/import) from a file, in batches (docs/api.md#post-adminusersimport).
#   KEYTURN_TOKEN=<an admin's access token> scripts/import-users.sh [--partial] [--keycloak] [--batch N] FILE
# FILE: one user per line (JSON lines), or a JSON array of users, each
#   {"username", "email", "email_verified"?, "disabled"?, "roles"?, and "password" | "password_hash" | "credentials"}.
# --keycloak  FILE is a Keycloak realm export (realm-export.json, or a *-users-*.json of kc.sh export): its users are
#             converted (emailVerified, enabled, realm role "admin" -> roles, the password credential as Keycloak wrote
#             it; a username that is an email or has other characters is made one that Keyturn accepts).
# --partial   import the valid users of each batch and report the others; without it a batch with an invalid user
#             imports nothing of that batch (the report says which rows and why).
# --batch N   users per request (default 10000). Each batch is one transaction; a re-run skips the users it created.
# Environment: KEYTURN_URL (default http://localhost:8080), KEYTURN_TOKEN (required), KEYCLOAK_ADMIN_ROLE (admin).
# Prints one line of counts per batch; the full per-row reports go to FILE.import-report.jsonl. Exit status 1 if a
# batch was refused (HTTP status other than 200). Needs curl and jq.
set -euo pipefail
url=${KEYTURN_URL:-http://localhost:8080}
partial=false keycloak=false batch=10000
while [ $# -gt 1 ]; do
  case "$1" in
    --partial) partial=true ;;
    --keycloak) keycloak=true ;;
    --batch) batch=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
file=${1:?usage: scripts/import-users.sh [--partial] [--keycloak] [--batch N] FILE}
[ -n "${KEYTURN_TOKEN:-}" ] || { echo "KEYTURN_TOKEN must hold an admin's access token" >&2; exit 2; }
command -v jq > /dev/null || { echo "jq is required" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077 # the lines may hold passwords or hashes

if $keycloak; then
  jq -c --arg admin "${KEYCLOAK_ADMIN_ROLE:-admin}" '
    (.users // .) | .[] | {
      username: (.username | gsub("@"; ".") | gsub("[^A-Za-z0-9._-]"; "-") | sub("^[^A-Za-z0-9]+"; "") | .[0:32]),
      email: .email,
      email_verified: (.emailVerified // false),
      disabled: (.enabled == false),
      roles: (if ((.realmRoles // []) | index($admin)) then ["user", "admin"] else ["user"] end),
      credentials: [(.credentials // [])[] | select(.type == "password")]
    }' "$file" > "$work/users.jsonl"
elif [ "$(head -c 1000 "$file" | tr -d ' \t\r\n' | head -c 1)" = "[" ]; then
  jq -c '.[]' "$file" > "$work/users.jsonl"
else
  grep -v '^[[:space:]]*$' "$file" > "$work/users.jsonl" || true
fi

total=$(wc -l < "$work/users.jsonl")
split -l "$batch" -d -a 6 "$work/users.jsonl" "$work/batch-"
report="$file.import-report.jsonl"
: > "$report"
status=0 number=0
for part in "$work"/batch-*; do
  number=$((number + 1))
  code=$(curl -sS -o "$work/answer.json" -w '%{http_code}' -X POST "$url/admin/users/import?partial=$partial" \
    -H "Authorization: Bearer $KEYTURN_TOKEN" -H 'Content-Type: application/x-ndjson' --data-binary "@$part")
  jq -c --argjson batch "$number" '. + {batch: $batch}' "$work/answer.json" >> "$report" 2>/dev/null || true
  if [ "$code" = 200 ]; then
    jq -r --argjson batch "$number" '"batch \($batch): \(.created) created, \(.skipped) skipped, \(.invalid) invalid"' "$work/answer.json"
  else
    status=1
    echo "batch $number: HTTP $code $(jq -r '"\(.code): \(.detail)"' "$work/answer.json" 2>/dev/null)" >&2
    jq -r '(.errors // [])[:20][] | "  \(.field): \(.message)"' "$work/answer.json" >&2 2>/dev/null || true
  fi
done
echo "$total users in $number batch(es); per-row reports in $report"
exit $status
