# Shared shell functions for Parasol's scripts. Source it; don't run it.
#   find_jdk25    sets JAVA_HOME to a JDK 25 or newer, or explains and returns 1
#   ensure_tools  installs the Debian packages the build and tests need, if missing

parasol_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The major version of the JDK in $1 (a JAVA_HOME), or nothing.
jdk_major() {
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  echo "$v"
}

find_jdk25() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in "${candidates[@]}"; do
    major=$(jdk_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME=$c
      return 0
    fi
  done
  echo "parasol: no JDK 25 found in JAVA_HOME or /usr/lib/jvm; install one (e.g. Temurin 25 from adoptium.net, or 'apt-get install openjdk-25-jdk' where your release has it) and set JAVA_HOME to it." >&2
  return 1
}

# Installs missing Debian packages for the commands named as "command:package" pairs.
ensure_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "parasol: missing ${missing[*]}; install them with apt-get (needs root)." >&2
      return 1
    fi
  fi
  echo "parasol: installing ${missing[*]} (apt-get)" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# What building and testing Parasol needs from Debian: Maven, and the GNU toolchain that
# assembles the test guests.
ensure_tools() {
  ensure_packages mvn:maven gcc:gcc as:binutils ld:binutils objcopy:binutils make:make iasl:acpica-tools
}
