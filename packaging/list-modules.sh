#!/usr/bin/env bash
# Lists the JDK modules Parley's classes and jars refer to (jdeps), and checks that the installer's
# jlinked runtime (installer.modules in packaging/pom.xml) includes every one of them.
#   packaging/list-modules.sh [dir with parley.jar and lib/]     default: app/target
# Exit 1 (and a list) when the runtime would miss a module. Needs a JDK 25 (found like ./parley does).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk.sh"
dir="${1:-$root/app/target}"
[ -f "$dir/parley.jar" ] || { echo "list-modules: $dir/parley.jar missing; build first (mvn -DskipTests package)" >&2; exit 2; }

# The jars are modular and name modules Parley leaves out (javacv's optional presets), so analyse
# their classes as plain class-path code: unpack everything without module descriptors.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for jar in "$dir/parley.jar" "$dir"/lib/*.jar; do
  if command -v unzip >/dev/null 2>&1; then   # faster, and skips the native libraries
    # Exit 11 only means an exclude pattern matched nothing in this jar.
    unzip -qqo "$jar" -x '*.so' '*.so.*' '*.dll' '*.dylib' -d "$work" 2> >(grep -v 'excluded filename not matched' >&2) \
      || [ $? -eq 11 ]
  else
    (cd "$work" && "$JAVA_HOME/bin/jar" xf "$jar")
  fi
done
find "$work" \( -name module-info.class -o -path '*/META-INF/versions/*' \) -delete
needed="$("$JAVA_HOME/bin/jdeps" -q -s --ignore-missing-deps "$work" \
  | awk '$NF ~ /^(java|jdk)\./ {print $NF}' | sort -u)"
configured="$(sed -n 's:.*<installer.modules>\(.*\)</installer.modules>.*:\1:p' "$root/packaging/pom.xml" | tr ',' '\n' | sort -u)"

echo "jdeps: $(echo $needed | tr ' ' ',')"
echo "runtime: $(echo $configured | tr ' ' ',')"
missing="$(comm -23 <(echo "$needed") <(echo "$configured"))"
if [ -n "$missing" ]; then
  echo "list-modules: the installer runtime lacks: $(echo $missing | tr ' ' ',')" >&2
  echo "list-modules: add them to installer.modules in packaging/pom.xml" >&2
  exit 1
fi
echo "list-modules: the installer runtime covers every module jdeps found"
