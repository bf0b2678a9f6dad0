#!/usr/bin/env bash
# Boot-time benchmark: the stock Debian cloud kernel and the demo initramfs, booted to the guest's
# init marker (PARASOL-GUEST-UP on the serial console) by QEMU with KVM (-M microvm and -M q35)
# and by Parasol (`parasol run`, JVM start-up included), alternately, ROUNDS times each. Prints
# every time, the medians, and Parasol's ratio to each QEMU machine (the goal is <= 1.0 x q35).
# Parasol runs twice per round: "parasol" as `parasol run` starts after `parasol prepare` on the
# same machine (from its start-up snapshot where CRIU works, scripts/snapshot.sh), and
# "parasol-cold" with the snapshot turned off (PARASOL_SNAPSHOT=0: a fresh JVM with its AOT cache).
#
#   bench/boot/run.sh            ROUNDS (default 5), CPUS (default 1) from the environment
#
# On a kvm_pvm host (like the development machines) the whole comparison runs inside the nested
# lab (tests/lab), where both VMMs share the same L1 and its kvm_amd; elsewhere on this host's KVM.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
find_jdk25 || exit 1
ensure_tools
ensure_packages qemu-system-x86_64:qemu-system-x86
cd "$parasol_root"

if [ "${1:-}" != --inside ]; then
  scripts/guest-images
  ./parasol --help > /dev/null # builds Parasol first if needed, outside the timing
  if [ -d /sys/module/kvm_pvm ] || [ ! -e /dev/kvm ]; then
    echo "== this host's KVM cannot boot a stock kernel: measuring inside the nested lab" >&2
    # (The lab passes no environment: the settings go as arguments.)
    exec env LAB_TIMEOUT="${LAB_TIMEOUT:-3000}" \
      tests/lab/run-in-lab bench/boot/run.sh --inside "${ROUNDS:-5}" "${CPUS:-1}"
  fi
  exec "$0" --inside "${ROUNDS:-5}" "${CPUS:-1}"
fi

ROUNDS="${2:-5}" CPUS="${3:-1}"
KERNEL=target/images/vmlinuz INITRD=target/images/initramfs.cpio.gz
CMDLINE="console=ttyS0 quiet parasol.test=poweroff"
# (No -nodefaults: microvm then has no serial port at all.)
qemu_common="qemu-system-x86_64 -enable-kvm -cpu host -m 512M -smp $CPUS"
qemu_common+=" -no-user-config -nographic -serial stdio -monitor none -no-reboot"
qemu_common+=" -kernel $KERNEL -initrd $INITRD -append $(printf %q "$CMDLINE")"
declare -A commands=(
  [qemu-microvm]="$qemu_common -M microvm,rtc=on"
  [qemu-q35]="$qemu_common -M q35 -vga none -nic none"
  [parasol-cold]="env PARASOL_SNAPSHOT=0 ./parasol run --memory 512M --cpus $CPUS --tpm none --kernel $KERNEL --initrd $INITRD --cmdline $(printf %q "$CMDLINE")"
  [parasol]="./parasol run --memory 512M --cpus $CPUS --tpm none --kernel $KERNEL --initrd $INITRD --cmdline $(printf %q "$CMDLINE")"
)
order=(qemu-microvm qemu-q35 parasol parasol-cold)
# What a user does once per machine and build, untimed: the AOT caches and the start-up snapshot.
./parasol prepare

# Seconds from launch to the marker line. The VMM writes into a FIFO that bash reads line by line
# with builtins only (the clock is $EPOCHREALTIME): a reader that started a process per line or
# per poll would take CPU from the VM it measures, and the lab has just one. Once the marker is
# there the VMM is stopped: a microvm guest that powers off does not end QEMU.
time_to_marker() {
  local fifo start pid marker="" line
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  start=$EPOCHREALTIME
  timeout 300 bash -c "exec $1" < /dev/null > "$fifo" 2>&1 &
  pid=$!
  while IFS= read -r line; do
    if [[ $line == *PARASOL-GUEST-UP* ]]; then
      marker=$EPOCHREALTIME
      break
    fi
  done < "$fifo"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$fifo"
  if [ -z "$marker" ]; then
    echo "no marker from: $1" >&2
    return 1
  fi
  awk -v s="$start" -v e="$marker" 'BEGIN { printf "%.2f", e - s }'
}

declare -A all
for round in $(seq 1 "$ROUNDS"); do
  line="round $round:"
  for vmm in "${order[@]}"; do
    t=$(time_to_marker "${commands[$vmm]}")
    all[$vmm]+="$t "
    line+=" $vmm=${t}s"
  done
  echo "$line"
done
declare -A med
for vmm in "${order[@]}"; do
  med[$vmm]=$(printf '%s\n' ${all[$vmm]} | median)
done
echo "median seconds to the init marker ($CPUS vCPU, $ROUNDS rounds):" \
  "qemu-microvm=${med[qemu-microvm]} qemu-q35=${med[qemu-q35]} parasol=${med[parasol]}" \
  "parasol-cold=${med[parasol-cold]}"
awk -v p="${med[parasol]}" -v c="${med[parasol-cold]}" -v m="${med[qemu-microvm]}" \
  -v q="${med[qemu-q35]}" 'BEGIN { printf "parasol/qemu-q35 = %.2f\nparasol/qemu-microvm = %.2f\n", p / q, p / m
    printf "parasol-cold/qemu-q35 = %.2f\n", c / q }'
