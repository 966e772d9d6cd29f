#!/usr/bin/env bash
# Builds app/target/parley.aot, the JVM's ahead-of-time cache (JEP 483/514) of the classes a watch loads,
# linked: `./parley` uses it when it is newer than the jar, and a cold `parley watch` reaches its first
# frame about 0.8 s sooner (docs/bench-network.md). Training run: `parley publish --test-source` on
# loopback, and `parley watch` of it for 3 s recording with -XX:AOTCacheOutput. Needs app/target/parley.jar
# (`mvn -DskipTests package`); takes 20-60 s. A failure leaves no cache (the launcher then runs without).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
jar="$root/app/target/parley.jar"
out="$root/app/target/parley.aot"
[ -f "$jar" ] || { echo "aot-cache: no $jar: build it first (mvn -DskipTests package)" >&2; exit 1; }
# the same options as the launcher: a cache is only used by a JVM started with matching options
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
work="$(mktemp -d)"
publisher=""
cleanup() {
  if [ -n "$publisher" ]; then kill "$publisher" 2>/dev/null || true; wait "$publisher" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
rm -f "$out"
# a config folder of its own: the training must not touch the user's settings or identity
XDG_CONFIG_HOME="$work/config" "${java[@]}" -jar "$jar" publish --test-source --bind 127.0.0.1:0 \
  >"$work/publish.out" 2>"$work/publish.err" &
publisher=$!
ticket=""
for _ in $(seq 1 600); do # at most 60 s for the publisher's ticket
  ticket="$(grep -m1 '^parley:' "$work/publish.out" || true)"
  [ -n "$ticket" ] && break
  kill -0 "$publisher" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ticket" ]; then
  echo "aot-cache: the training publisher printed no ticket:" >&2
  tail -20 "$work/publish.err" >&2
  exit 1
fi
# the cache is written when the watch exits (the JVM assembles it in a child process)
if ! XDG_CONFIG_HOME="$work/config" timeout 300 "${java[@]}" -XX:AOTCacheOutput="$work/parley.aot" -Xlog:aot=error \
    -jar "$jar" watch "$ticket" --headless --duration 3 >"$work/watch.out" 2>"$work/watch.err" \
    || ! grep -q '"event":"first-frame"' "$work/watch.out" || [ ! -s "$work/parley.aot" ]; then
  echo "aot-cache: the training watch failed:" >&2
  tail -20 "$work/watch.err" >&2
  exit 1
fi
# the JVM must accept it (AOTMode=on fails instead of quietly running without)
if ! "${java[@]}" -XX:AOTCache="$work/parley.aot" -XX:AOTMode=on -jar "$jar" --version >/dev/null; then
  echo "aot-cache: the JVM refuses the cache it just wrote" >&2
  exit 1
fi
mv "$work/parley.aot" "$out"
echo "aot-cache: wrote $out ($(du -h "$out" | cut -f1))" >&2
