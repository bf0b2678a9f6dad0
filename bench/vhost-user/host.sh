#!/usr/bin/env bash
# vhost-user-blk back ends on this host's own CPU, no guest: Parasol's vhost-user front end
# (`parasol bench vhost-user-blk`, the client `--disk vhost-user:` uses, which shares only its
# own memfd) keeps requests in flight against qemu-storage-daemon, `parasol vhost-user blk` and
# `parasol vhost-user blk --bounce`, each serving its own copy of the same 256 MiB image, ROUNDS
# times, alternately: sequential 1 MiB reads and writes at iodepth 8 and 4 KiB random reads at
# iodepth 32, each for WARMUP seconds unmeasured and then RUNTIME seconds. Prints every result,
# the medians and each Parasol column over the daemon's (higher is better).
#
# What it is for: the nested lab (bench/blk, bench/vhost-user), the only place on a kvm_pvm host
# where a stock guest runs, emulates its CPU, where one memory copy costs about as much as QEMU's
# whole request. Here copies cost what they cost on hardware, so this shows what --bounce (one
# more copy of every byte, through a separate memfd) costs there. Both back ends bypass the page
# cache (the daemon with cache.direct=on, aio=native; Parasol opens the image with O_DIRECT too):
# the image sits on tmpfs, which takes O_DIRECT from Linux 6.6 on, so the figures are CPU and
# memory, not a disk.
#
#   bench/vhost-user/host.sh     ROUNDS (default 3), RUNTIME (default 5), WARMUP (default 2)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
find_jdk25 || exit 1
ensure_tools
ensure_packages qemu-storage-daemon:qemu-system-common
cd "$parasol_root"
say() { echo "bench/vhost-user/host: $*" >&2; }
ROUNDS=${ROUNDS:-3} RUNTIME=${RUNTIME:-5} WARMUP=${WARMUP:-2}
./parasol --help > /dev/null # builds Parasol first if needed, outside the timing

work=$(mktemp -d /dev/shm/parasol-bench-vu.XXXXXX)
server=
trap '[ -n "$server" ] && kill "$server" 2> /dev/null; rm -rf "$work"' EXIT
head -c $((256 << 20)) /dev/zero | tr '\0' 'p' > "$work/image"
if ! dd if="$work/image" of=/dev/null bs=1M count=1 iflag=direct status=none 2> /dev/null; then
  say "tmpfs refuses O_DIRECT on this kernel ($(uname -r)); the back ends would measure the page cache"
  exit 1
fi
for s in qsd parasol parasol-bounce; do cp "$work/image" "$work/$s.img"; done

start_server() { # NAME: starts it on $work/NAME.sock, sets $server
  local name=$1 sock=$work/$1.sock
  rm -f "$sock"
  case $name in
    qsd)
      qemu-storage-daemon \
        --blockdev "driver=file,node-name=disk,filename=$work/qsd.img,cache.direct=on,aio=native" \
        --export "type=vhost-user-blk,id=exp,node-name=disk,addr.type=unix,addr.path=$sock,writable=on" \
        > "$work/$name.log" 2>&1 &
      ;;
    parasol) ./parasol vhost-user blk --socket "$sock" --image "$work/$name.img" > "$work/$name.log" 2>&1 & ;;
    parasol-bounce)
      ./parasol vhost-user blk --socket "$sock" --image "$work/$name.img" --bounce \
        > "$work/$name.log" 2>&1 &
      ;;
  esac
  server=$!
  for _ in $(seq 100); do [ -S "$sock" ] && return 0; sleep 0.1; done
  say "$name did not open $sock; its log:"
  cat "$work/$name.log" >&2
  exit 1
}

order=(qsd parasol parasol-bounce)
workloads=(read:1M:8 write:1M:8 randread:4k:32)
declare -A all
for round in $(seq 1 "$ROUNDS"); do
  for s in "${order[@]}"; do
    start_server "$s"
    line="round $round $s (load $(cut -d' ' -f1-3 /proc/loadavg)):"
    for w in "${workloads[@]}"; do
      IFS=: read -r rw bs depth <<< "$w"
      out=$(./parasol bench vhost-user-blk --socket "$work/$s.sock" --rw "$rw" --bs "$bs" \
        --iodepth "$depth" --seconds "$RUNTIME" --warmup "$WARMUP")
      read -r tag _ kib iops <<< "$out"
      if [ "$tag" != BENCH-BLK ]; then
        say "no figure from $s for $rw: $out"
        exit 1
      fi
      case $rw in
        randread) v=$iops; line+=" $rw=${iops}IOPS" ;;
        *) v=$(awk -v k="$kib" 'BEGIN { printf "%.0f", k / 1024 }'); line+=" $rw=${v}MiB/s" ;;
      esac
      all[$s,$rw]+="$v "
    done
    kill "$server"
    wait "$server" 2> /dev/null || true
    server=
    echo "$line"
  done
done
echo "medians of $ROUNDS rounds, ${RUNTIME}s per workload after ${WARMUP}s unmeasured (seq MiB/s, randread IOPS), $(nproc) CPUs:"
for w in "${workloads[@]}"; do
  rw=${w%%:*}
  declare -A med=()
  line="$rw:"
  for s in "${order[@]}"; do
    med[$s]=$(printf '%s\n' ${all[$s,$rw]} | median)
    line+=" $s=${med[$s]}"
  done
  for s in parasol parasol-bounce; do
    line+=$(awk -v p="${med[$s]}" -v q="${med[qsd]}" -v n="$s" 'BEGIN { printf "  %s/qsd=%.2f", n, p / q }')
  done
  echo "$line"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
