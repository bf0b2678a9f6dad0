#!/usr/bin/env bash
# Port-I/O exit benchmark: Parasol's vCPU loop against a minimal C KVM loop,
# both running the same portio-bench guest (tests/src/test/guests/portio-bench.c)
# for the same number of exits. Prints both results and the ratio parasol/c.
#
#   bench/portio/run.sh [N]     N = number of exits (default 200000)
#
# Needs /dev/kvm, gcc, binutils and make. Exit status: 0 with a ratio, 1 if a
# side failed, 3 while the Parasol side is not available yet.
set -euo pipefail

N="${1:-200000}"
case "$N" in ""|*[!0-9]*|0|0*) echo "usage: $0 [N]  (N: number of exits, a positive integer)" >&2; exit 2 ;; esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$HERE/target"
GUESTS="$ROOT/tests/target/guests"
GUEST="$GUESTS/portio-bench.bin"

mkdir -p "$BUILD"
gcc -O2 -Wall -Wextra -o "$BUILD/kvm-exit-loop" "$HERE/kvm-exit-loop.c"
make -s -C "$ROOT/tests/src/test/guests" OUT="$GUESTS" "$GUEST"

# ---- C side -------------------------------------------------------------------
c_out="$("$BUILD/kvm-exit-loop" --exits "$N" "$GUEST" 2>"$BUILD/c-guest-console.txt")" || {
    echo "C side failed; guest console:" >&2; cat "$BUILD/c-guest-console.txt" >&2; exit 1; }
echo "$c_out"
c_ns="$(printf '%s\n' "$c_out" | sed -n 's/^c_ns_per_exit=\([0-9.]*\).*/\1/p')"

# ---- Parasol side -----------------------------------------------------------------
# DEVNOTE: `./parasol bench portio --exits N` must load the same guest the same
# way (header parameter at 0x100008 = N, bench port 0x0EB0 on a null device) and
# print "parasol_ns_per_exit=<float>" on stdout. Until it exists, stop here.
parasol_out=""
if [[ -x "$ROOT/parasol" ]]; then
    parasol_out="$("$ROOT/parasol" bench portio --exits "$N" 2>"$BUILD/parasol-stderr.txt")" || parasol_out=""
fi
p_ns="$(printf '%s\n' "$parasol_out" | sed -n 's/^parasol_ns_per_exit=\([0-9.]*\).*/\1/p')"
if [[ -z "$p_ns" ]]; then
    echo "parasol side not available"
    exit 3
fi
echo "parasol_ns_per_exit=$p_ns exits=$N"

# ---- Ratio ----------------------------------------------------------------------
awk -v p="$p_ns" -v c="$c_ns" 'BEGIN { if (c <= 0) exit 1; printf "parasol/c = %.2f\n", p / c }'
