#!/usr/bin/env bash
# native-toolchain.sh - prints the GraalVM/Mandrel home that builds Keyturn's native executable, bootstrapping one
# if the machine has none. Progress goes to stderr; stdout is the home only:
#   GRAALVM_HOME=$(scripts/native-toolchain.sh)
# Order: a working $GRAALVM_HOME; a native-image on PATH (a real GraalVM or Mandrel 25); the cached bootstrap in
# ${KEYTURN_NATIVE_TOOLCHAIN:-$HOME/.cache/keyturn/mandrel-25.0.2}, reused when its stamp is there and its
# native-image answers; else ../shared/native/bootstrap.sh builds it there (~2-3 min on 2 cores; see its README).
# The cache is outside the clone, so fresh clones on one machine bootstrap once.
set -euo pipefail
cd "$(dirname "$0")/.."

works() { [ -x "$1/bin/native-image" ] && "$1/bin/native-image" --version >/dev/null 2>&1; }

if [ -n "${GRAALVM_HOME:-}" ] && works "$GRAALVM_HOME"; then
  echo "native toolchain: GRAALVM_HOME=$GRAALVM_HOME" >&2
  echo "$GRAALVM_HOME"; exit 0
fi
if on_path=$(command -v native-image 2>/dev/null); then
  home=$(dirname "$(dirname "$(readlink -f "$on_path")")")
  if works "$home"; then
    echo "native toolchain: $home (native-image on PATH)" >&2
    echo "$home"; exit 0
  fi
fi

cache=${KEYTURN_NATIVE_TOOLCHAIN:-$HOME/.cache/keyturn/mandrel-25.0.2}
stamp="$cache/.keyturn-bootstrap-complete"
if [ -f "$stamp" ] && works "$cache"; then
  echo "native toolchain: $cache (cached bootstrap)" >&2
  echo "$cache"; exit 0
fi

bootstrap=../shared/native/bootstrap.sh
[ -f "$bootstrap" ] || { echo "no native-image here and no $bootstrap to make one (set GRAALVM_HOME)" >&2; exit 1; }
echo "native toolchain: bootstrapping into $cache (log: $cache.log)" >&2
mkdir -p "$(dirname "$cache")"
# bootstrap.sh rebuilds DEST from scratch; its scratch space is per destination so that two caches never share it
if ! WORK="$cache.work" bash "$bootstrap" "$cache" > "$cache.log" 2>&1 < /dev/null; then
  tail -30 "$cache.log" >&2
  echo "native toolchain: bootstrap failed (full log: $cache.log)" >&2
  exit 1
fi
rm -rf "$cache.work"
works "$cache" || { echo "native toolchain: $cache/bin/native-image does not run after the bootstrap" >&2; exit 1; }
# written last: a bootstrap that was interrupted leaves no stamp and is redone next time
"$cache/bin/native-image" --version > "$stamp"
echo "native toolchain: $cache ($(head -1 "$stamp"))" >&2
echo "$cache"
