#!/usr/bin/env bash
# await-aot-cache.sh - waits until the AOT cache of the -Paot build is complete and usable, or fails.
#
# Usage: scripts/await-aot-cache.sh [APP_DIR] [TIMEOUT_S]     (defaults: target/quarkus-app 300)
#
# The integration-test launcher of Quarkus records the training run, then starts `java -XX:AOTMode=create` to write
# app.aot and waits for it only 20 s. On a busy machine writing the cache (about 130 MB) takes longer: the launcher
# reports the file as created while it is still empty or partial, and the writer keeps running in the background.
# The aot profile runs this script in the verify phase, so that the build ends only with a finished cache that the
# build's JVM maps with -XX:AOTMode=on (the same check as Dockerfile.jvm-aot), and fails otherwise.
set -uo pipefail
dir=${1:-target/quarkus-app}
timeout=${2:-300}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
cache=$(cd "$dir" 2>/dev/null && pwd)/app.aot
deadline=$(( $(date +%s) + timeout ))

writing() { # the cache writer that the test launcher started for this very file
  pgrep -f -- "-XX:AOTMode=create .*-XX:AOTCache=$cache" > /dev/null 2>&1
}

if [ ! -e "$cache" ] && ! writing; then
  echo "no AOT cache at $cache: it is written by the integration tests (./mvnw verify -Paot, without -DskipTests)" >&2
  exit 1
fi

while :; do
  if [ -s "$cache" ] && ! writing \
      && "$java" -XX:AOTCache="$cache" -XX:AOTMode=on -cp "$dir/quarkus-run.jar" -version > /dev/null 2>&1; then
    echo "AOT cache ready: $cache ($(( $(stat -c %s "$cache") / 1048576 )) MiB); run: java -XX:AOTCache=app.aot -jar quarkus-run.jar"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "no usable AOT cache at $cache after ${timeout} s:" >&2
    "$java" -XX:AOTCache="$cache" -XX:AOTMode=on -cp "$dir/quarkus-run.jar" -version 2>&1 | tail -3 >&2
    exit 1
  fi
  sleep 2
done
