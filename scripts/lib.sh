# Shared shell functions for Parasol's scripts. Source it; don't run it.
#   find_jdk25    sets JAVA_HOME to a JDK 25 or newer, or explains and returns 1
#   ensure_tools  installs the Debian packages the build and tests need, if missing

# (Builtins only, here and in find_jdk25: `parasol run` starts with them, and where the CPU is
# emulated every process started costs tens of milliseconds.)
lib_dir=${BASH_SOURCE[0]%/*}
[ "$lib_dir" = "${BASH_SOURCE[0]}" ] && lib_dir=.
parasol_root=$(cd "$lib_dir/.." && pwd)
unset lib_dir

# Sets jdk_major to the major version of the JDK in $1 (a JAVA_HOME), or to nothing.
jdk_major_of() {
  local home=$1 v="" line
  jdk_major=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
        v=${BASH_REMATCH[1]}
        break
      fi
    done < "$home/release"
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  jdk_major=$v
}

find_jdk25() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* \
    "$HOME"/.sdkman/candidates/java/* javac-on-path; do
    if [ "$c" = javac-on-path ]; then
      command -v javac >/dev/null 2>&1 || continue
      c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    fi
    [ -n "$c" ] && [ -d "$c" ] || continue
    jdk_major_of "$c"
    if [ -n "$jdk_major" ] && [ "$jdk_major" -ge 25 ]; then
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

# The median of the numbers on standard input, one per line: the figure each benchmark prints.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
