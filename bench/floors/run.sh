#!/usr/bin/env bash
# CPU floors on one thread (see Floors.java): resolves the class path with Maven (same Quarkus BOM as the
# service), then runs `java -cp <jars> Floors.java` on JDK 25.
# Usage: bench/floors/run.sh [--seconds 3] [--warmup 2] [--only rs256,es256,accp,hs256,bcrypt,argon2,jose4j]
# The last line of output is one JSON object (also appended to $BENCH_DIR/floors.jsonl).
set -euo pipefail
. "$(dirname "$0")/../bench-env.sh"
here="$BENCH_HOME/floors"
mkdir -p "$BENCH_DIR"
quarkus_version=$(sed -n 's#.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*#\1#p' "$REPO_ROOT/pom.xml" | head -1)
cp_file="$BENCH_DIR/floors-classpath-$quarkus_version-$(sha256sum "$here/pom.xml" | cut -c1-12).txt"
if [ ! -s "$cp_file" ]; then
  JAVA_HOME="$BENCH_JAVA_HOME" "$REPO_ROOT/mvnw" -B -q --no-transfer-progress -f "$here/pom.xml" \
    -Dquarkus.platform.version="$quarkus_version" dependency:build-classpath -Dmdep.outputFile="$cp_file" >&2
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 600 "$JAVA" -cp "$(cat "$cp_file")" "$here/Floors.java" "$@" | tee "$out"
tail -1 "$out" >> "$BENCH_DIR/floors.jsonl"
