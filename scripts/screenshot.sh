#!/usr/bin/env bash
# Takes a screenshot of the Parley window on a virtual X display (Xvfb), for checking how the UI looks.
#
#   scripts/screenshot.sh [OUT.png] [PARLEY ARGS...]
#
# OUT.png defaults to target/screenshots/parley.png. Without PARLEY ARGS it first starts a headless room
# with three demo participants (Ada and two in-process demo peers, all on the test source):
#   parley room --headless --demo-peers 2 --test-source --name Ada
# and then opens the window joined to that room with the stats overlay on:
#   parley --stats room TICKET --test-source --name You
# The app runs with a throw-away config folder, so your own settings are not touched. Needs xvfb-run
# and ImageMagick's `import` (scripts/system-deps.sh installs them on Debian/Ubuntu), and a built
# app/target/parley.jar (mvn -DskipTests package). PARLEY_SHOT_WAIT sets the seconds to let the UI
# settle after the window appears (default 4).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
out="${1:-$root/target/screenshots/parley.png}"
[ $# -gt 0 ] && shift
args=("$@")
demo=""
if [ ${#args[@]} -eq 0 ]; then
  coproc DEMO { exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
      -jar "$root/app/target/parley.jar" room --headless --demo-peers 2 --test-source --name Ada 2>/dev/null; }
  demo=$DEMO_PID
  read -r -t 60 ticket <&"${DEMO[0]}" || { echo "screenshot: the demo room did not start" >&2; exit 1; }
  args=(--stats room "$ticket" --test-source --name You)
fi
jar="$root/app/target/parley.jar"
[ -f "$jar" ] || { echo "screenshot: build first: mvn -DskipTests package" >&2; exit 1; }
command -v xvfb-run >/dev/null && command -v import >/dev/null || "$root/scripts/system-deps.sh" >&2
mkdir -p "$(dirname "$out")"
config="$(mktemp -d)"
trap 'rm -rf "$config"; [ -n "$demo" ] && kill "$demo" 2>/dev/null' EXIT
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

export PARLEY_SHOT_OUT="$out" PARLEY_SHOT_WAIT="${PARLEY_SHOT_WAIT:-4}" XDG_CONFIG_HOME="$config" JAVA_HOME
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
      -jar "$0" "$@" >"$XDG_CONFIG_HOME/parley.log" 2>&1 &
  app=$!
  for _ in $(seq 1 60); do
    xwininfo -root -tree 2>/dev/null | grep -q "\"Parley" && break
    kill -0 "$app" 2>/dev/null || { echo "screenshot: parley exited early:" >&2; cat "$XDG_CONFIG_HOME/parley.log" >&2; exit 1; }
    sleep 0.5
  done
  sleep "$PARLEY_SHOT_WAIT"
  import -window root "$PARLEY_SHOT_OUT"
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
' "$jar" "${args[@]}"
echo "screenshot: $out"
