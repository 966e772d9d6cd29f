# Sourced by ./parley, ./run-tests and .ci/run: selects a JDK 25 or newer and exports JAVA_HOME and PATH.
# Order: $JAVA_HOME if it is new enough, the java on PATH, then the usual install folders.

parley_java_major() { # prints the major version of the given java binary, or 0
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  echo "${v:-0}" | cut -d. -f1
}

parley_select_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      /usr/lib/jvm/*25* /usr/lib/jvm/*-2[5-9]* /usr/lib/jvm/*-3[0-9]* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home "${HOME:-/root}"/.sdkman/candidates/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(parley_java_major "$candidate/bin/java")" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "Parley needs a JDK 25 or newer. Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

parley_select_jdk
