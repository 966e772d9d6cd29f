#!/usr/bin/env bash
# Installs the system libraries Parley's tests and runtime need when they are missing, on Debian or
# Ubuntu, if we are root (or have passwordless sudo). Elsewhere it only lists what to install.
#   libpulse0, libasound2: FFmpeg's device layer (lavfi test sources) and Java Sound
#   libgtk-3-0, libxtst6: JavaFX on a desktop
#   xvfb, imagemagick: the screenshot script (a real window on a virtual display)
#   nodejs, npm: the interop tests drive the real @moq/lite and @moq/net npm clients, and the app's
#     build bundles the relay's web page from the hang player's npm packages (app/src/main/web)
#   chromium: the browser tests run the hang web player (@moq/watch) and @moq/publish in headless
#     Chromium through playwright-core (the npm packages are pinned in media/src/test/js and installed
#     by the tests with npm ci; no browser is ever downloaded)
#   iproute2, nftables: the network lab tests (namespaces, veth, tc tbf, nftables NAT and loss)
#   tinyproxy: the lab's office network, where TCP leaves only through an HTTP proxy (the tests run
#     their own instance inside a namespace; the package's own service is not used)
#   espeak-ng: real speech for the echo cancellation test
#   pulseaudio, pulseaudio-utils, libasound2-plugins: the audio device tests run a private PulseAudio
#     daemon (as any user, root included) whose null sinks are real devices that appear and disappear
#     (pactl), reached by Java Sound through ALSA's pulse plugin: a microphone unplugged mid-call and
#     echo cancellation through a real OS audio loop
set -euo pipefail
packages=(libpulse0 libasound2 libgtk-3-0 libxtst6 xvfb imagemagick nodejs npm iproute2 nftables espeak-ng chromium
  pulseaudio pulseaudio-utils libasound2-plugins tinyproxy)
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian system; install: ${packages[*]}" >&2; exit 0; }

missing=()
for p in "${packages[@]}"; do
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  # Debian 13 renamed some libraries with a t64 suffix; either name satisfies the need.
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
  dpkg-query -W -f='${Status}' "${p}t64" 2>/dev/null | grep -q "install ok installed" && continue
  missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "system-deps: please install: ${missing[*]}" >&2; exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
for p in "${missing[@]}"; do
  $sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 \
    || $sudo apt-get install -y -qq --no-install-recommends "${p}t64" >/dev/null 2>&1 \
    || echo "system-deps: could not install $p" >&2
done
