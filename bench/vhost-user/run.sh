#!/usr/bin/env bash
# vhost-user-blk server benchmark: the same QEMU (-enable-kvm, q35, shared memfd guest RAM,
# vhost-user-blk-pci) with fio in the guest against /dev/vda (direct=1, libaio: sequential 1 MiB
# reads and writes at iodepth 8, 4 KiB random reads at iodepth 32), served alternately by
# `parasol vhost-user blk` and by qemu-storage-daemon (Debian qemu-system-common), each on its own
# copy of the same 256 MiB image, ROUNDS times, after WARMUP untimed boots against each (a server
# runs for hours; these measure it warm. Parasol's JIT compiles there; in the lab L1's CPU is
# emulated and C1 needs about two boots' worth of requests to settle, against one). Both back
# ends bypass the host page cache for aligned requests (Parasol's RawImageFile opens the image a
# second time with O_DIRECT; the daemon runs with cache.direct=on, aio=native, as bench/blk's QEMU).
# Prints every result, the medians and parasol/qsd per workload (throughput and IOPS: higher is
# better, so the goal is >= 1.0).
#
#   bench/vhost-user/run.sh      ROUNDS (default 3), RUNTIME (seconds per workload, default 5),
#                                WARMUP (untimed boots against each server first, default 2),
#                                QUEUES (Parasol's request queues and QEMU's num-queues, default 1)
#
# On a kvm_pvm host (like the development machines) the whole comparison runs inside the nested
# lab (tests/lab), where both back ends and QEMU share the same L1 and its kvm_amd; elsewhere on
# this host's KVM. The guest is the stock Debian cloud kernel with the fio initramfs of bench/blk.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib-images.sh"
find_jdk25 || exit 1
ensure_tools
ensure_packages qemu-system-x86_64:qemu-system-x86 qemu-storage-daemon:qemu-system-common fio:fio
cd "$parasol_root"
say() { echo "bench/vhost-user: $*" >&2; }

if [ "${1:-}" != --inside ]; then
  scripts/guest-images
  make_fio_initramfs
  ./parasol --help > /dev/null # builds Parasol first if needed, outside the timing
  args=(--inside "${ROUNDS:-3}" "${RUNTIME:-5}" "${QUEUES:-1}" "${WARMUP:-2}")
  if [ -d /sys/module/kvm_pvm ] || [ ! -e /dev/kvm ]; then
    echo "== this host's KVM cannot boot a stock kernel: measuring inside the nested lab" >&2
    # (The lab passes no environment: the settings go as arguments.)
    exec env LAB_TIMEOUT="${LAB_TIMEOUT:-3000}" tests/lab/run-in-lab bench/vhost-user/run.sh "${args[@]}"
  fi
  exec "$0" "${args[@]}"
fi

ROUNDS="${2:-3}" RUNTIME="${3:-5}" QUEUES="${4:-1}" WARMUP="${5:-2}"
KERNEL=target/images/vmlinuz INITRD=target/images/initramfs-fio.cpio.gz
CMDLINE="console=ttyS0 quiet parasol.test=fio bench.runtime=$RUNTIME"
work=$(mktemp -d /tmp/bench-vhost-user.XXXXXX)
parasol_pid= qsd_pid=
cleanup() {
  [ -n "$parasol_pid" ] && kill "$parasol_pid" 2>/dev/null
  [ -n "$qsd_pid" ] && kill "$qsd_pid" 2>/dev/null
  wait 2>/dev/null
  umount "$work/fs" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mount_image_fs "$work/fs"
# 256 MiB of data (not a sparse file: reads must come from somewhere), one copy per back end
# (the daemon holds QEMU's image lock on its own).
head -c $((256 << 20)) /dev/zero | tr '\0' 'p' > "$work/fs/parasol.img"
cp "$work/fs/parasol.img" "$work/fs/qsd.img"

wait_socket() { # SOCKET PID NAME
  for _ in $(seq 300); do
    [ -S "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  say "$3 did not listen on $1:"; cat "$work/$3.log" >&2; exit 1
}
# One server of each for every round: both serve one front end at a time.
./parasol vhost-user blk --socket "$work/parasol.sock" --image "$work/fs/parasol.img" \
  --queues "$QUEUES" > "$work/parasol-server.log" 2>&1 &
parasol_pid=$!
wait_socket "$work/parasol.sock" "$parasol_pid" parasol-server
qemu-storage-daemon \
  --blockdev "driver=file,node-name=disk,filename=$work/fs/qsd.img,cache.direct=on,aio=native" \
  --export "type=vhost-user-blk,id=exp,node-name=disk,addr.type=unix,addr.path=$work/qsd.sock,writable=on,num-queues=$QUEUES" \
  > "$work/qsd-server.log" 2>&1 &
qsd_pid=$!
wait_socket "$work/qsd.sock" "$qsd_pid" qsd-server

# The guest, the same for both; vhost-user needs its RAM in shared memory.
qemu=(qemu-system-x86_64 -enable-kvm -cpu host -m 1G -smp 1 -vga none -nic none
  -M q35,memory-backend=mem -object memory-backend-memfd,id=mem,size=1G,share=on
  -no-user-config -nographic -serial stdio -monitor none -no-reboot
  -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE")
order=(parasol qsd)
workloads=(seqread seqwrite randread)
guest() { # SERVER LOG: one boot of the guest against SERVER's socket
  timeout 600 "${qemu[@]}" -chardev "socket,id=vhost,path=$work/$1.sock" \
    -device "vhost-user-blk-pci,chardev=vhost,num-queues=$QUEUES" < /dev/null > "$2" 2>&1 || true
}
for server in "${order[@]}"; do
  for _ in $(seq 1 "$WARMUP"); do
    guest "$server" "$work/warm-up.log"
    say "warm-up against $server: $(grep -c '^BENCH-BLK' "$work/warm-up.log" || true) results (untimed)"
  done
done
declare -A all
for round in $(seq 1 "$ROUNDS"); do
  for server in "${order[@]}"; do
    log=$work/$server.log
    guest "$server" "$log"
    line="round $round $server (load $(cut -d' ' -f1-3 /proc/loadavg)):"
    for w in "${workloads[@]}"; do
      # (No process substitution: L1 has no /dev/fd.)
      res=$(tr -d '\r' < "$log" | awk -v w="$w" '$1 == "BENCH-BLK" && $2 == w { print $3, $4; exit }')
      kib=${res% *} iops=${res#* }
      if [ -z "$res" ]; then
        say "no $w result with $server; the guest's console:"; tail -30 "$log" >&2
        say "the server's log:"; tail -20 "$work/$server-server.log" >&2
        exit 1
      fi
      case $w in
        randread) v=$iops; line+=" $w=${iops}IOPS" ;;
        *) v=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }'); line+=" $w=${v}MiB/s" ;;
      esac
      all[$server,$w]+="$v "
    done
    echo "$line"
  done
done
echo "medians of $ROUNDS rounds, ${RUNTIME}s per workload, $QUEUES queue(s) (seq MiB/s, randread IOPS):"
for w in "${workloads[@]}"; do
  p=$(printf '%s\n' ${all[parasol,$w]} | median)
  q=$(printf '%s\n' ${all[qsd,$w]} | median)
  echo "$w: parasol=$p qsd=$q$(awk -v p="$p" -v q="$q" 'BEGIN { printf "  parasol/qsd=%.2f", p / q }')"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
