#!/usr/bin/env bash
# Installer smoke test: builds the .deb, installs it with apt-get, runs the installed `parley`, checks
# the desktop entry and link handlers, the parley-relay service (installed, not enabled; its command
# line run as the service would, serving the web page and keeping its identity across a restart;
# started through systemd where systemd runs), then removes the package and checks nothing is left behind.
# Called by .ci/run after the tests. Needs Debian or Ubuntu and root (or passwordless sudo); elsewhere
# it prints why it is skipped and exits 0.
#   packaging/smoke-test.sh              build, then test
#   PARLEY_SMOKE_DEB=path.deb packaging/smoke-test.sh   test an existing .deb (no build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { echo "smoke-test: $*"; }
fail() { echo "smoke-test: FAIL: $*" >&2; exit 1; }

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  say "SKIPPED: not a Debian/Ubuntu system (the .deb smoke test needs apt-get and dpkg-deb)"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  say "SKIPPED: installing a package needs root or passwordless sudo"; exit 0
fi
if dpkg-query -W -f='${Status}' parley 2>/dev/null | grep -q "install ok installed"; then
  fail "a parley package is already installed; remove it first (apt-get remove parley)"
fi

version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"   # e.g. 0.1.0-SNAPSHOT
[ -n "$version" ] || fail "cannot read the project version from pom.xml"

# --- build ---------------------------------------------------------------------------------------
if [ -n "${PARLEY_SMOKE_DEB:-}" ]; then
  deb="$PARLEY_SMOKE_DEB"
else
  . "$root/scripts/jdk.sh"
  command -v fakeroot >/dev/null 2>&1 || { say "installing fakeroot (jpackage needs it for .deb)"; \
    $sudo apt-get install -y -qq --no-install-recommends fakeroot >/dev/null; }
  say "building the .deb (mvn -P installer -DskipTests package; rpm and archive off for speed)"
  start=$(date +%s)
  mvn -B -q -P installer -DskipTests -Dinstaller.phase.rpm=none -Dinstaller.phase.archive=none package
  say "built in $(( $(date +%s) - start )) s"
  deb="$(ls -t packaging/target/installer/parley_*.deb | head -1)"
  # The jlinked runtime must hold every JDK module the jars use (a missing one fails only at run time).
  packaging/list-modules.sh packaging/target/input
fi
[ -f "$deb" ] || fail "no .deb found ($deb)"
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
say "package $(basename "$deb"): $(stat -c %s "$deb") bytes ($(( $(stat -c %s "$deb") / 1048576 )) MiB)," \
  "installed size $(( $(dpkg-deb -f "$deb" Installed-Size) / 1024 )) MiB"
dpkg-deb -f "$deb" Depends | grep -q 'libgtk-3-0' || fail ".deb does not depend on GTK 3"
dpkg-deb -f "$deb" Depends | grep -q 'libpulse0' || fail ".deb does not depend on libpulse0"

# --- install -------------------------------------------------------------------------------------
installed=""
home="$(mktemp -d)"
cleanup() {
  if [ -n "${publisher:-}" ]; then kill "$publisher" 2>/dev/null || true; fi
  if [ -n "${relay:-}" ]; then kill "$relay" 2>/dev/null || true; fi
  if [ -n "$installed" ]; then $sudo apt-get remove -y -qq parley >/dev/null 2>&1 || true; fi
  rm -rf "$home"
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
say "installing"
if ! $sudo apt-get install -y -qq "$deb" >/tmp/parley-smoke-apt.log 2>&1; then
  # Fresh machines may have no package lists yet for the dependencies.
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "$deb" >/tmp/parley-smoke-apt.log 2>&1 || { cat /tmp/parley-smoke-apt.log >&2; fail "apt-get install"; }
fi
installed=yes

[ -x /opt/parley/bin/Parley ] || fail "/opt/parley/bin/Parley missing"
ls /opt/parley/lib/app/natives/libavcodec.so.* >/dev/null 2>&1 || fail "FFmpeg libraries missing in /opt/parley/lib/app/natives"
if ls /opt/parley/lib/app/lib/ffmpeg-*-gpl.jar >/dev/null 2>&1; then fail "the FFmpeg natives jar is shipped as well as the unpacked libraries"; fi
[ -L /usr/bin/parley ] && [ "$(readlink /usr/bin/parley)" = /opt/parley/bin/Parley ] \
  || fail "/usr/bin/parley is not a link to /opt/parley/bin/Parley"
[ "$(command -v parley)" = /usr/bin/parley ] || fail "parley is not on the PATH"
desktop=/usr/share/applications/parley-Parley.desktop
[ -f "$desktop" ] || fail "desktop entry $desktop missing"
grep -qx 'Exec=parley %u' "$desktop" || fail "desktop entry does not run 'parley %u'"
grep -q '^MimeType=.*x-scheme-handler/parley;' "$desktop" || fail "desktop entry lacks x-scheme-handler/parley"
grep -q '^MimeType=.*x-scheme-handler/parley-room;' "$desktop" || fail "desktop entry lacks x-scheme-handler/parley-room"
icon="$(sed -n 's/^Icon=//p' "$desktop")"
[ -f "$icon" ] || fail "desktop entry icon $icon missing"
if [ -f /usr/share/applications/mimeinfo.cache ]; then
  grep -q '^x-scheme-handler/parley=.*parley-Parley.desktop' /usr/share/applications/mimeinfo.cache \
    || fail "parley: links are not registered in mimeinfo.cache"
  say "parley: and parley-room: links registered (mimeinfo.cache)"
fi
if command -v xdg-mime >/dev/null 2>&1; then
  for scheme in parley parley-room; do
    handler="$(HOME="$home" xdg-mime query default "x-scheme-handler/$scheme" 2>/dev/null || true)"
    [ "$handler" = parley-Parley.desktop ] || fail "xdg-mime: $scheme: links open '$handler', not parley-Parley.desktop"
  done
  say "xdg-mime: parley: and parley-room: links open parley-Parley.desktop"
fi

# --- run the installed app -----------------------------------------------------------------------
# A scratch HOME (JavaFX unpacks its natives under ~ on first run); no DISPLAY: everything is headless.
run() { env -u DISPLAY HOME="$home" timeout 120 parley "$@"; }
out="$(run --version 2>&1)" || { echo "$out" >&2; fail "parley --version exited with $?"; }
say "parley --version: $(echo "$out" | tail -1)"
echo "$out" | grep -q "parley" || fail "--version output does not name parley"
echo "$out" | grep -qF "${version%-SNAPSHOT}" || fail "--version output does not contain $version"

help="$(run --help 2>&1 || true)"
if echo "$help" | grep -q publish; then
  say "publish/watch smoke test with the installed binary"
  log="$home/publish.log"
  env -u DISPLAY HOME="$home" parley publish --test-source >"$log" 2>&1 &
  publisher=$!
  ticket=""
  for _ in $(seq 1 120); do
    ticket="$(grep -oE 'parley(-room)?:[^[:space:]]+' "$log" | head -1 || true)"
    [ -n "$ticket" ] && break
    kill -0 "$publisher" 2>/dev/null || { cat "$log" >&2; fail "parley publish exited before printing a ticket"; }
    sleep 1
  done
  [ -n "$ticket" ] || { cat "$log" >&2; fail "parley publish printed no ticket within 120 s"; }
  say "ticket ${ticket:0:40}..."
  if ! wout="$(run watch "$ticket" --headless --duration 5 2>&1)"; then
    echo "$wout" >&2; cat "$log" >&2; fail "parley watch --headless failed"
  fi
  echo "$wout" | tail -3
  # FFmpeg ships as plain libraries in lib/app/natives (no natives jar): the running publisher must
  # have mapped them from there, and nothing from JavaCPP's unpack cache.
  maps="$(cat "/proc/$publisher/maps" 2>/dev/null || true)"
  echo "$maps" | grep -q '/opt/parley/lib/app/natives/libavcodec\.so' \
    || fail "the installed publisher did not load libavcodec from /opt/parley/lib/app/natives"
  echo "$maps" | grep -q '/opt/parley/lib/app/natives/libjniavcodec\.so' \
    || fail "the installed publisher did not load libjniavcodec from /opt/parley/lib/app/natives"
  if echo "$maps" | grep -q '\.javacpp/cache'; then fail "the installed publisher loaded natives from ~/.javacpp/cache"; fi
  say "FFmpeg loaded from /opt/parley/lib/app/natives: $(echo "$maps" | grep -o '/opt/parley/lib/app/natives/[^ ]*' | sort -u | wc -l) libraries mapped"
  kill "$publisher" 2>/dev/null || true; wait "$publisher" 2>/dev/null || true; publisher=""
else
  say "publish/watch part skipped: this build's parley --help has no publish command yet"
fi

# --- the relay service ---------------------------------------------------------------------------
unit=/lib/systemd/system/parley-relay.service
[ -f "$unit" ] || fail "$unit missing"
grep -qx 'ExecStart=/opt/parley/bin/Parley relay --config /etc/parley/relay.conf' "$unit" \
  || fail "$unit does not run 'parley relay --config /etc/parley/relay.conf'"
[ -f /etc/parley/relay.conf ] || fail "/etc/parley/relay.conf missing"
if command -v systemd-analyze >/dev/null 2>&1; then
  verify="$(timeout 60 systemd-analyze verify "$unit" 2>&1)" || { echo "$verify" >&2; fail "systemd-analyze verify $unit"; }
  say "systemd-analyze verify: ${verify:-no complaints}"
fi
if command -v systemctl >/dev/null 2>&1; then
  state="$(systemctl is-enabled parley-relay.service 2>/dev/null || true)"
  [ "$state" != enabled ] || fail "parley-relay is enabled on install; it must be the administrator's choice"
  say "parley-relay.service installed, $state"
fi
http_get() { curl -fsS --max-time 10 "$1"; }
# The service's command line with the packaged settings, on loopback ephemeral ports and a scratch key file.
conf="$home/relay.conf"
sed -e 's#^listen = .*#listen = 127.0.0.1:0#' -e 's#^media-listen = .*#media-listen = 127.0.0.1:0#' \
    -e "s#^key-file = .*#key-file = $home/relay-state/relay.key#" /etc/parley/relay.conf >"$conf"
start_relay() {
  env -u DISPLAY HOME="$home" parley relay --config "$conf" >"$home/relay.out" 2>"$home/relay.err" &
  relay=$!
  for _ in $(seq 1 120); do
    [ "$(grep -c '://' "$home/relay.out" 2>/dev/null || true)" -ge 2 ] && grep -q 'quic endpoint' "$home/relay.err" && return 0
    kill -0 "$relay" 2>/dev/null || { cat "$home/relay.out" "$home/relay.err" >&2; fail "parley relay --config exited early"; }
    sleep 0.5
  done
  cat "$home/relay.out" "$home/relay.err" >&2; fail "parley relay printed no URLs within 60 s"
}
stop_relay() {
  kill -TERM "$relay"
  for _ in $(seq 1 40); do kill -0 "$relay" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$relay" 2>/dev/null && fail "parley relay did not stop within 10 s of SIGTERM"
  wait "$relay" || fail "parley relay exited with $? after SIGTERM (expected 0)"
  relay=""
}
start_relay
media="$(sed -n 2p "$home/relay.out")"
page="http${media#ws}"
id1="$(grep -o 'quic endpoint [0-9a-f]*' "$home/relay.err" | awk '{print $3}')"
html="$(http_get "$page")" || fail "no web page at $page"
script="$(echo "$html" | grep -o '/assets/page-[A-Za-z0-9]*\.js' | head -1)"
[ -n "$script" ] || { echo "$html" >&2; fail "the relay's page names no bundled script"; }
bytes="$(http_get "${page%/}$script" | wc -c)"
[ "$bytes" -gt 100000 ] || fail "the page's script is only $bytes bytes"
http_get "${page}room/$(printf '%064d' 0)" | grep -q "$script" || fail "/room/<topic> does not serve the page"
say "relay page at $page: $script, $bytes bytes; endpoint $id1"
stop_relay
[ -f "$home/relay-state/relay.key" ] || fail "the relay did not create its key file"
start_relay
id2="$(grep -o 'quic endpoint [0-9a-f]*' "$home/relay.err" | awk '{print $3}')"
[ "$id1" = "$id2" ] || fail "the relay's identity changed across a restart ($id1, then $id2)"
stop_relay
say "relay identity kept across a restart; SIGTERM exits 0"
if [ -d /run/systemd/system ]; then
  $sudo systemctl start parley-relay.service || { $sudo journalctl -u parley-relay --no-pager | tail -30 >&2; fail "systemctl start parley-relay"; }
  ok=""
  for _ in $(seq 1 60); do
    if http_get http://127.0.0.1:4443/ 2>/dev/null | grep -q '/assets/page-'; then ok=yes; break; fi
    sleep 1
  done
  [ -n "$ok" ] || { $sudo journalctl -u parley-relay --no-pager | tail -30 >&2; fail "the parley-relay service serves no page on :4443"; }
  $sudo systemctl stop parley-relay.service
  say "parley-relay.service started by systemd, served its page, stopped"
else
  say "systemd is not running here: the service was checked by running its command line"
fi

# --- remove --------------------------------------------------------------------------------------
say "removing"
$sudo apt-get remove -y -qq parley >/dev/null
installed=""
dpkg-query -W -f='${Status}' parley 2>/dev/null | grep -q "not-installed\|config-files" \
  || fail "parley is still installed after apt-get remove"
[ ! -e /usr/bin/parley ] && [ ! -L /usr/bin/parley ] || fail "/usr/bin/parley left behind"
[ ! -e "$desktop" ] || fail "$desktop left behind"
[ ! -e /opt/parley ] || fail "/opt/parley left behind"
[ ! -e /lib/systemd/system/parley-relay.service ] || fail "parley-relay.service left behind"
if [ -f /usr/share/applications/mimeinfo.cache ] && grep -q 'parley-Parley.desktop' /usr/share/applications/mimeinfo.cache; then
  fail "mimeinfo.cache still lists parley-Parley.desktop"
fi
$sudo dpkg --purge parley >/dev/null 2>&1   # forget the package entirely (apt-get remove keeps its record)
[ ! -e /etc/parley/relay.conf ] || fail "/etc/parley/relay.conf left behind after purge"
say "PASS"
