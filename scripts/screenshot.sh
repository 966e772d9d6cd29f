#!/usr/bin/env bash
# Takes a screenshot of the Parley window on a virtual X display (Xvfb), for checking how the UI looks.
#
#   scripts/screenshot.sh [OUT.png] [PARLEY ARGS...]
#
# OUT.png defaults to target/screenshots/parley.png. Without PARLEY ARGS the window creates a room with
# three in-process demo participants (each with its own identity, test pattern and tone, greeting in the
# chat) and opens the stats overlay on every tile:
#   parley --stats room --demo-peers 3 --test-source --name Sam
# docs/screenshot.png is made with: scripts/screenshot.sh docs/screenshot.png
# The app runs with a throw-away config folder, so your own settings and identity are not touched.
# Needs xvfb-run and ImageMagick's `import` (scripts/system-deps.sh installs them on Debian/Ubuntu), and a
# built app/target/parley.jar (mvn -DskipTests package). PARLEY_SHOT_WAIT sets the seconds to let the UI
# settle after every participant is listening (default 8, for the sparklines to fill); PARLEY_SHOT_LOG
# names a file to keep the app's log in.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
out="${1:-$root/target/screenshots/parley.png}"
[ $# -gt 0 ] && shift
args=("$@")
endpoints=0
if [ ${#args[@]} -eq 0 ]; then
  args=(--stats room --demo-peers 3 --test-source --name Sam)
  endpoints=4 # ours and the three demo peers': the shot waits until all have joined
fi
jar="$root/app/target/parley.jar"
[ -f "$jar" ] || { echo "screenshot: build first: mvn -DskipTests package" >&2; exit 1; }
command -v xvfb-run >/dev/null && command -v import >/dev/null || "$root/scripts/system-deps.sh" >&2
mkdir -p "$(dirname "$out")"
config="$(mktemp -d)"
trap 'rm -rf "$config"' EXIT
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

# INFO logging: the wait below counts the endpoints' "listening on" lines
export PARLEY_SHOT_OUT="$out" PARLEY_SHOT_WAIT="${PARLEY_SHOT_WAIT:-8}" PARLEY_SHOT_ENDPOINTS="$endpoints" \
    PARLEY_LOG_LEVEL="${PARLEY_LOG_LEVEL:-INFO}" XDG_CONFIG_HOME="$config" JAVA_HOME
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
      -jar "$0" "$@" >"$XDG_CONFIG_HOME/parley.log" 2>&1 &
  app=$!
  for _ in $(seq 1 60); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"Parley" && break
    kill -0 "$app" 2>/dev/null || { echo "screenshot: parley exited early:" >&2; cat "$XDG_CONFIG_HOME/parley.log" >&2; exit 1; }
    sleep 0.5
  done
  for _ in $(seq 1 240); do
    [ "$(grep -c "listening on" "$XDG_CONFIG_HOME/parley.log")" -ge "$PARLEY_SHOT_ENDPOINTS" ] && break
    kill -0 "$app" 2>/dev/null || { echo "screenshot: parley exited early:" >&2; cat "$XDG_CONFIG_HOME/parley.log" >&2; exit 1; }
    sleep 0.5
  done
  sleep "$PARLEY_SHOT_WAIT"
  import -window root "$PARLEY_SHOT_OUT"
  [ -z "${PARLEY_SHOT_LOG:-}" ] || cp "$XDG_CONFIG_HOME/parley.log" "$PARLEY_SHOT_LOG"
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
' "$jar" "${args[@]}"
echo "screenshot: $out"
