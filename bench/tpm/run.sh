#!/usr/bin/env bash
# TPM benchmark: the same raw-command client (bench/tpm/TpmBench.java, timing inside the client so
# process start-up never counts) against Parasol's vTPM (`parasol tpm serve --swtpm`) and swtpm
# (libtpms, `swtpm socket --tpm2`) in the same run, command by command in alternation, over the
# swtpm protocol's data channel (raw TPM commands) for both. Prints per-operation medians and the
# Parasol/swtpm ratio; operations a TPM does not implement are "n/a (not implemented)".
#
#   bench/tpm/run.sh [SCALE [disk|tmpfs]]
#
# SCALE multiplies the iteration counts (default 1). Both TPMs keep their state in files (Parasol:
# a sealed state directory; swtpm: --tpmstate), on disk by default (under /tmp) or on tmpfs
# (/dev/shm) with "tmpfs". The difference matters for NV_Write only: Parasol makes every state
# change durable before it answers (write, fsync, rename, fsync of the directory, then the same for
# the rollback anchor: four fsyncs), while swtpm 0.7.1 writes a temporary file and renames it
# without any fsync (strace -f -e trace=fsync,fdatasync,rename). On tmpfs fsync is free, so both
# do the same work and neither is durable: that row compares the TPMs, the disk row the
# durability. Needs a JDK 25 and swtpm (installed from Debian if missing).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

SCALE="${1:-1}"
# Every process (both TPMs and the client) runs on one CPU: a command then wakes its server with a
# context switch on that CPU, never with a cross-CPU wake-up, which in a VM whose idle vCPUs halt
# costs tens of microseconds and made medians flip between runs. TPM_BENCH_CPU picks the CPU
# (default: the last one); TPM_BENCH_CPU=none leaves placement to the scheduler.
# TPM_BENCH_PARASOL_JAVA_OPTS adds JVM options to Parasol's server (a profiler, for instance).
bench_cpu="${TPM_BENCH_CPU:-$(($(nproc) - 1))}"
pin=()
[ "$bench_cpu" = none ] || pin=(taskset -c "$bench_cpu")
case "${2:-disk}" in
  disk) state_root=/tmp ;;
  tmpfs) state_root=/dev/shm ;;
  *) echo "usage: $0 [SCALE [disk|tmpfs]]" >&2; exit 2 ;;
esac
find_jdk25 || exit 1
ensure_packages swtpm:swtpm
"$parasol_root/parasol" --help >/dev/null # builds Parasol first if needed, outside the timing

work=$(mktemp -d "$state_root/parasol-tpm-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Parasol: free ports chosen by the server, read from its "swtpm: data HOST:PORT" line.
"${pin[@]}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:+UseSerialGC ${TPM_BENCH_PARASOL_JAVA_OPTS:-} -cp "$parasol_root/host-tools/target/host-tools.jar:$parasol_root/host-tools/target/lib/*" \
  io.parasol.tools.cli.Main tpm serve --state "$work/parasol/vtpm" --swtpm 0 \
  >"$work/parasol.out" 2>"$work/parasol.err" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^ready' "$work/parasol.out" 2>/dev/null && break; sleep 0.1; done
parasol_port=$(sed -n 's/^swtpm: data 127.0.0.1:\([0-9]*\) .*/\1/p' "$work/parasol.out")
[ -n "$parasol_port" ] || { echo "parasol tpm serve did not start:" >&2; cat "$work/parasol.err" >&2; exit 1; }

# swtpm: the first free pair of ports from 23400 on.
mkdir -p "$work/swtpm"
for port in $(seq 23400 2 23500); do
  "${pin[@]}" swtpm socket --tpm2 --server type=tcp,port=$port,bindaddr=127.0.0.1 \
    --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
    --flags not-need-init,startup-clear --tpmstate dir="$work/swtpm" >"$work/swtpm.log" 2>&1 &
  pid=$!
  sleep 0.3
  if kill -0 "$pid" 2>/dev/null; then pids+=("$pid"); swtpm_port=$port; break; fi
done
[ -n "${swtpm_port:-}" ] || { echo "swtpm did not start:" >&2; cat "$work/swtpm.log" >&2; exit 1; }

echo "parasol: $(sed -n 1p "$work/parasol.out"); swtpm $(swtpm --version | head -1)"
echo "state files on ${2:-disk} ($(df -T "$work" | awk 'NR == 2 {print $2}')); load average: $(cut -d' ' -f1-3 /proc/loadavg); CPU ${bench_cpu}"
"${pin[@]}" "$JAVA_HOME/bin/java" -XX:+UseSerialGC "$parasol_root/bench/tpm/TpmBench.java" \
  "127.0.0.1:$parasol_port" "127.0.0.1:$swtpm_port" "$SCALE"
