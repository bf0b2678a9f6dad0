#!/usr/bin/env bash
# Port-I/O exit benchmark: Parasol's vCPU loop and chipset bus against a minimal C KVM loop, both
# running the same portio-bench guest (tests/src/test/guests/portio-bench.c) for the same number
# of exits to a null device on port 0x0EB0. Both sides time from the first bench exit to the last.
# The sides alternate for ROUNDS rounds (default 5: single rounds vary by about 5%); the script prints every figure, the medians
# and the ratio parasol/c of the medians (the goal is <= 1.15).
#
#   bench/portio/run.sh [N]     N = exits per run (default 200000)
#
# Needs /dev/kvm, a JDK 25, gcc, binutils and make (installed from Debian if missing).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

N="${1:-200000}"
ROUNDS="${ROUNDS:-5}"
case "$N" in ""|*[!0-9]*|0|1) echo "usage: $0 [N]  (N: number of exits, an integer >= 2)" >&2; exit 2 ;; esac

HERE="$parasol_root/bench/portio"
BUILD="$HERE/target"
GUESTS="$parasol_root/tests/target/guests"
GUEST="$GUESTS/portio-bench.bin"

ensure_tools
mkdir -p "$BUILD"
gcc -O2 -Wall -Wextra -o "$BUILD/kvm-exit-loop" "$HERE/kvm-exit-loop.c"
make -s -C "$parasol_root/tests/src/test/guests" OUT="$GUESTS" "$GUEST"
"$parasol_root/parasol" --help >/dev/null # builds Parasol first if needed, outside the timing

value() { sed -n "s/^$1=\([0-9.]*\).*/\1/p"; }

c_all=() p_all=()
for round in $(seq 1 "$ROUNDS"); do
  c_out="$("$BUILD/kvm-exit-loop" --exits "$N" "$GUEST" 2>"$BUILD/c-guest-console.txt")" || {
    echo "C side failed; guest console:" >&2; cat "$BUILD/c-guest-console.txt" >&2; exit 1; }
  p_out="$("$parasol_root/parasol" bench portio --exits "$N" --guest "$GUEST" 2>"$BUILD/parasol-stderr.txt")" || {
    echo "Parasol side failed:" >&2; cat "$BUILD/parasol-stderr.txt" >&2; exit 1; }
  c_ns="$(printf '%s\n' "$c_out" | value c_ns_per_exit)"
  p_ns="$(printf '%s\n' "$p_out" | value parasol_ns_per_exit)"
  echo "round $round: c_ns_per_exit=$c_ns parasol_ns_per_exit=$p_ns exits=$N"
  c_all+=("$c_ns") p_all+=("$p_ns")
done

c_med="$(printf '%s\n' "${c_all[@]}" | median)"
p_med="$(printf '%s\n' "${p_all[@]}" | median)"
echo "median: c_ns_per_exit=$c_med parasol_ns_per_exit=$p_med"
awk -v p="$p_med" -v c="$c_med" 'BEGIN { if (c <= 0) exit 1; printf "parasol/c = %.2f\n", p / c }'
