#!/usr/bin/env bash
# Renders the Parley icon set from the vector master parley.svg. The outputs are committed, so normal
# builds never need these tools; rerun this script after editing parley.svg:
#   apt-get install librsvg2-bin icoutils icnsutils     (Debian/Ubuntu)
#   icons/build.sh
# Outputs:
#   icons/png/parley-<size>.png   16 24 32 48 64 128 256 512 1024 (Linux desktop, docs, app window)
#   icons/parley.ico              16 24 32 48 64 and 256 (PNG-compressed) for Windows
#   icons/parley.icns             16 32 48 128 256 512 1024 for macOS
#   app/src/main/resources/dev/parley/app/icons/parley-<size>.png   the window/taskbar icons
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
for tool in rsvg-convert icotool png2icns; do
  command -v "$tool" >/dev/null || { echo "icons/build.sh needs $tool (apt-get install librsvg2-bin icoutils icnsutils)" >&2; exit 1; }
done

mkdir -p "$here/png"
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$here/parley.svg" -o "$here/png/parley-$size.png"
done

# Windows: small sizes as bitmaps, 256 stored as PNG (the Vista+ convention keeps the file small).
icotool --create --output "$here/parley.ico" \
  "$here"/png/parley-{16,24,32,48,64}.png --raw="$here/png/parley-256.png"

# macOS: png2icns picks the icon type from each PNG's size.
png2icns "$here/parley.icns" "$here"/png/parley-{16,32,48,128,256,512,1024}.png >/dev/null

# The app sets these as its window icons (stage.getIcons()); the toolkit picks the best size.
resources="$root/app/src/main/resources/dev/parley/app/icons"
mkdir -p "$resources"
for size in 16 24 32 48 64 128 256 512; do
  cp "$here/png/parley-$size.png" "$resources/parley-$size.png"
done

# The packaging resources use the same artwork under the names jpackage looks for.
cp "$here/png/parley-256.png" "$root/packaging/src/main/jpackage/linux/Parley.png"
cp "$here/parley.ico" "$root/packaging/src/main/jpackage/windows/Parley.ico"
cp "$here/parley.icns" "$root/packaging/src/main/jpackage/mac/Parley.icns"
echo "icons written to $here, $resources and packaging/src/main/jpackage"
