#!/usr/bin/env bash
# virtio-blk benchmark: fio in the guest against /dev/vda (direct=1, libaio), sequential 1 MiB
# reads and writes (iodepth 8) and 4 KiB random reads (iodepth 32), on Parasol's virtio-blk
# (`parasol run --disk IMG --tpm none`) and on QEMU's (virtio-blk-pci over
# `-drive ...,cache=none,aio=native`, -M q35), with the same kernel, initramfs and image,
# alternately, ROUNDS times. Prints every result, the medians and Parasol/QEMU per workload
# (throughput: higher is better, so the goal is >= 1.0). BOUNCE=1 adds a third column, Parasol
# with --bounce (the confidential path: requests staged through a BounceBuffer); VHOST=1 one more,
# Parasol's virtio-blk in front of qemu-storage-daemon (`--disk vhost-user:SOCKET`, the daemon on
# a copy of the image with cache.direct=on, aio=native).
#
#   bench/blk/run.sh             ROUNDS (default 3), RUNTIME (seconds per workload, default 5),
#                                WARMUP (seconds of each workload first, unmeasured, default 3),
#                                BOUNCE and VHOST (0 or 1) from the environment
#
# On a kvm_pvm host (like the development machines) the whole comparison runs inside the nested
# lab (tests/lab), where both VMMs share the same L1 and its kvm_amd; elsewhere on this host's KVM.
# The guest is the stock Debian cloud kernel with initramfs-virtio plus Debian's fio and its
# libraries (target/images/initramfs-fio.cpio.gz, built here).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib-images.sh"
find_jdk25 || exit 1
ensure_tools
ensure_packages qemu-system-x86_64:qemu-system-x86 fio:fio
cd "$parasol_root"
say() { echo "bench/blk: $*" >&2; }

if [ "${1:-}" != --inside ]; then
  scripts/guest-images
  make_fio_initramfs
  ./parasol --help > /dev/null # builds Parasol first if needed, outside the timing
  args=(--inside "${ROUNDS:-3}" "${RUNTIME:-5}" "${BOUNCE:-0}" "${VHOST:-0}" "${WARMUP:-3}")
  if [ -d /sys/module/kvm_pvm ] || [ ! -e /dev/kvm ]; then
    echo "== this host's KVM cannot boot a stock kernel: measuring inside the nested lab" >&2
    # (The lab passes no environment: the settings go as arguments.)
    exec env LAB_TIMEOUT="${LAB_TIMEOUT:-3000}" tests/lab/run-in-lab bench/blk/run.sh "${args[@]}"
  fi
  exec "$0" "${args[@]}"
fi

ROUNDS="${2:-3}" RUNTIME="${3:-5}" BOUNCE="${4:-0}" VHOST="${5:-0}" WARMUP="${6:-3}"
KERNEL=target/images/vmlinuz INITRD=target/images/initramfs-fio.cpio.gz
CMDLINE="console=ttyS0 quiet parasol.test=fio bench.runtime=$RUNTIME bench.warmup=$WARMUP"
work=$(mktemp -d /tmp/bench-blk.XXXXXX)
qsd_pid=
trap '[ -n "$qsd_pid" ] && kill "$qsd_pid"; umount "$work/fs" 2>/dev/null; rm -rf "$work"' EXIT

mount_image_fs "$work/fs"
IMG=$work/fs/disk.img
# 256 MiB of data (not a sparse file: reads must come from somewhere).
head -c $((256 << 20)) /dev/zero | tr '\0' 'p' > "$IMG"

qemu="qemu-system-x86_64 -enable-kvm -cpu host -m 1G -smp 1 -M q35 -vga none -nic none"
qemu+=" -no-user-config -nographic -serial stdio -monitor none -no-reboot"
qemu+=" -kernel $KERNEL -initrd $INITRD -append $(printf %q "$CMDLINE")"
qemu+=" -drive file=$IMG,if=none,id=d,format=raw,cache=none,aio=native -device virtio-blk-pci,drive=d"
parasol="./parasol run --memory 1G --cpus 1 --tpm none --no-reboot --serial stdio"
parasol+=" --kernel $KERNEL --initrd $INITRD --cmdline $(printf %q "$CMDLINE") --disk $IMG"
parasol_vhost="${parasol% --disk *} --disk vhost-user:$work/qsd.sock"
declare -A commands=([qemu]="$qemu" [parasol]="$parasol" [parasol-bounce]="$parasol --bounce"
  [parasol-vhost]="$parasol_vhost")
order=(qemu parasol)
[ "$BOUNCE" = 1 ] && order+=(parasol-bounce)
if [ "$VHOST" = 1 ]; then
  # One daemon for every round (it serves one front end at a time), on a copy of the image: it
  # holds QEMU's image lock on what it serves.
  cp "$IMG" "$work/fs/vhost.img"
  qemu-storage-daemon \
    --blockdev "driver=file,node-name=disk,filename=$work/fs/vhost.img,cache.direct=on,aio=native" \
    --export "type=vhost-user-blk,id=exp,node-name=disk,addr.type=unix,addr.path=$work/qsd.sock,writable=on" \
    > "$work/qsd.log" 2>&1 &
  qsd_pid=$!
  for _ in $(seq 100); do [ -S "$work/qsd.sock" ] && break; sleep 0.1; done
  order+=(parasol-vhost)
fi
workloads=(seqread seqwrite randread)

declare -A all
for round in $(seq 1 "$ROUNDS"); do
  for vmm in "${order[@]}"; do
    log=$work/$vmm.log
    timeout 600 bash -c "exec ${commands[$vmm]}" < /dev/null > "$log" 2>&1 || true
    line="round $round $vmm (load $(cut -d' ' -f1-3 /proc/loadavg)):"
    for w in "${workloads[@]}"; do
      # (No process substitution: L1 has no /dev/fd.)
      res=$(tr -d '\r' < "$log" | awk -v w="$w" '$1 == "BENCH-BLK" && $2 == w { print $3, $4; exit }')
      kib=${res% *} iops=${res#* }
      if [ -z "$res" ]; then
        say "no $w result from $vmm; its console:"; tail -30 "$log" >&2; exit 1
      fi
      case $w in
        randread) v=$iops; line+=" $w=${iops}IOPS" ;;
        *) v=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }'); line+=" $w=${v}MiB/s" ;;
      esac
      all[$vmm,$w]+="$v "
    done
    echo "$line"
  done
done
echo "medians of $ROUNDS rounds, ${RUNTIME}s per workload after ${WARMUP}s of each unmeasured (seq MiB/s, randread IOPS):"
for w in "${workloads[@]}"; do
  line="$w:"
  for vmm in "${order[@]}"; do
    m=$(printf '%s\n' ${all[$vmm,$w]} | median)
    declare "med_${vmm//-/_}=$m"
    line+=" $vmm=$m"
  done
  line+=$(awk -v p="$med_parasol" -v q="$med_qemu" 'BEGIN { printf "  parasol/qemu=%.2f", p / q }')
  for vmm in "${order[@]:2}"; do
    v=med_${vmm//-/_}
    line+=$(awk -v p="${!v}" -v q="$med_qemu" -v n="$vmm" 'BEGIN { printf "  %s/qemu=%.2f", n, p / q }')
  done
  echo "$line"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
