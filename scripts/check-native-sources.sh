#!/usr/bin/env bash
# check-native-sources.sh - runs every Quarkus build step of a native build, without GraalVM, and checks the result.
#
# `quarkus.native.sources-only` stops right before native-image: it writes target/native-sources/ (the runner jar,
# lib/, native-image.args, graalvm.version), the exact input that a GraalVM/Mandrel machine or the Mandrel builder
# image compiles (deploy/README.md). A Quarkus native build step that breaks (an extension, a reflection registration,
# a build-time initialisation) fails here, in CI, on machines that have no native-image. Extra arguments go to Maven.
#
# It then checks what the native-image analysis would trip over and cannot be seen without it:
#   - the dev/test-only embedded PostgreSQL (io.zonky) is not in lib/, and the GraalVM substitutions that keep
#     dev.keyturn.db.embedded out of the image are in the runner jar (Quarkus builds with --link-at-build-time);
#   - the JSON types of the API are registered for reflection.
# About 20-60 s; the native profile packages no JVM jar, so run it after `./mvnw verify`, not before.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B --no-transfer-progress package -DskipTests -Dnative -Dquarkus.native.sources-only=true "$@"

out=target/native-sources
fail() { echo "native sources check FAILED: $*" >&2; exit 1; }
for f in native-image.args graalvm.version; do [ -s "$out/$f" ] || fail "no $out/$f"; done
runner=$(ls "$out"/*-runner.jar 2>/dev/null | head -1)
[ -n "$runner" ] || fail "no runner jar in $out"
grep -q -- '--link-at-build-time' "$out/native-image.args" || echo "note: native-image.args no longer links at build time" >&2

jar=${JAVA_HOME:+$JAVA_HOME/bin/}jar
command -v "$jar" >/dev/null || fail "the JDK's jar tool is needed"
entries=$("$jar" tf "$runner")

if ls "$out/lib" -R | grep -q -i 'zonky'; then fail "the embedded PostgreSQL (io.zonky) is in $out/lib"; fi
for c in Target_dev_keyturn_db_embedded_EmbeddedDatabaseConfigSourceFactory Target_dev_keyturn_db_embedded_EmbeddedDatabase; do
  grep -q "dev/keyturn/db/embedded/$c.class" <<< "$entries" || fail "substitution $c missing from $runner"
done

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$jar" xf "$OLDPWD/$runner" META-INF/native-image/reflect-config.json)
for type in dev.keyturn.account.SignupRequest dev.keyturn.account.UserView dev.keyturn.session.TokenResponse \
    'dev.keyturn.session.Requests$Login' 'dev.keyturn.session.Requests$Refresh' 'dev.keyturn.session.Requests$Logout' \
    dev.keyturn.web.Problem 'dev.keyturn.web.Problem$FieldError'; do
  grep -q -F "\"$type\"" "$tmp/META-INF/native-image/reflect-config.json" || fail "$type is not registered for reflection"
done

echo "native sources OK: $out (GraalVM $(cat "$out/graalvm.version") input; compile it where native-image exists, see deploy/README.md)"
