# Start-up snapshots for `parasol run`, sourced by the launcher (which sets parasol_root, cp,
# caller_dir and the run_jvm array).
#
# Where the CPU is slow (the nested lab emulates it), starting the JVM, linking its native calls
# and building the CLI take seconds before a VM exists. `parasol prepare` therefore also starts a
# `run` JVM in standby (io.parasol.tools.cli.Standby: it trains on a boot of the demo guest, or
# of the ten-byte guest where that is not built, then waits for a request) and checkpoints it
# with CRIU; `parasol run` restores that process, hands it the caller's standard streams and
# command line, and reports its exit code, as the JDK's CRaC or a serverless platform's snapshot
# start does. The snapshot is used only where it was made: it records the kernel, the CPU and the
# build, and a restore that fails for any reason falls back to an ordinary JVM start with one line
# saying why. PARASOL_SNAPSHOT=0 turns it off; PARASOL_SNAPSHOT=require makes not using it an
# error. Needs root and a kernel that CRIU accepts (`criu check`); elsewhere nothing changes.

# Sets stamp to what a snapshot must match: the kernel, the CPU, the JVM and its options, the
# class path. (Builtins only: this runs on the way to every `run`.) The build must also be older
# than the snapshot (snapshot_run compares the times).
snapshot_stamp() {
  local release="" flags="" line
  read -r release < /proc/sys/kernel/osrelease || true
  while IFS= read -r line; do
    if [[ $line == flags* ]]; then
      flags=$line
      break
    fi
  done < /proc/cpuinfo
  printf -v stamp '%s\n' "$release" "$flags" "${run_jvm[@]}" "$cp"
}

# Sets why to the reason no snapshot can be made or used here, or to nothing. (Builtins only.)
snapshot_why_not() {
  why=""
  if [ "${PARASOL_SNAPSHOT:-1}" = 0 ]; then
    why="PARASOL_SNAPSHOT=0"
  elif [ "$EUID" != 0 ]; then
    why="it needs root"
  elif ! command -v criu > /dev/null || ! command -v unshare > /dev/null ||
    ! command -v setpriv > /dev/null; then
    why="no criu (or no unshare, setpriv)"
  elif [ -n "${PARASOL_JAVA_OPTIONS:-}" ]; then
    why="PARASOL_JAVA_OPTIONS is set"
  fi
}

# snapshot_make NAME AOT TRAINING-ARGS...: a standby `run` JVM trained on TRAINING-ARGS, dumped.
snapshot_make() {
  local name=$1 aot=$2
  shift 2
  local dir=$parasol_root/host-tools/target/snapshot-$name
  rm -rf "$dir"
  mkdir -p "$dir/img" "$dir/runs"
  : > "$dir/in"
  : > "$dir/out"
  : > "$dir/err"
  : > "$dir/request"
  local jvm=("${run_jvm[@]}")
  [ -f "$aot" ] && jvm+=(-XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off)
  # Its own PID namespace, so restored copies never collide on their PID (CRIU needs the JVM to
  # lead its session there), and its own time namespace, so CRIU carries the monotonic clock
  # over and the JVM's timers stay true.
  unshare --pid --time --fork --kill-child setsid \
    "${jvm[@]}" -cp "$cp" io.parasol.tools.cli.Main --standby "$dir/request" \
    run --serial none "$@" < "$dir/in" > "$dir/out" 2> "$dir/err" &
  local holder=$! java="" i
  for i in $(seq 1 6000); do
    if grep -q 'standby ready' "$dir/out"; then
      java=$(pgrep -P "$holder" || true)
      break
    fi
    kill -0 "$holder" 2> /dev/null || break
    sleep 0.1
  done
  if [ -z "$java" ]; then
    kill "$holder" 2> /dev/null || true
    wait "$holder" 2> /dev/null || true
    echo "parasol: no start-up snapshot ($name): the standby JVM did not get ready; see $dir/err" >&2
    return 1
  fi
  if ! criu dump -t "$java" -D "$dir/img" -o dump.log > /dev/null 2>&1; then
    kill "$holder" 2> /dev/null || true
    wait "$holder" 2> /dev/null || true
    echo "parasol: no start-up snapshot ($name): criu dump failed; see $dir/img/dump.log" >&2
    rm -rf "$dir/img"
    return 1
  fi
  wait "$holder" 2> /dev/null || true
  snapshot_stamp
  printf '%s' "$stamp" > "$dir/stamp"
  echo "parasol: start-up snapshot $name: $(du -sh "$dir/img" | cut -f1)" >&2
}

# snapshot_run NAME AOT ARGS...: runs `parasol ARGS` from the snapshot and exits with its code.
# Returns (status 0) when there is no snapshot to use, or it did not restore: start the JVM then.
# PARASOL_SNAPSHOT=require makes either an error (exit status 1) instead.
snapshot_run() {
  local name=$1 aot=$2
  shift 2
  local dir=$parasol_root/host-tools/target/snapshot-$name
  # No process is started on the way to CRIU: not even a $(...) subshell.
  local why
  snapshot_why_not
  if [ "${PARASOL_SNAPSHOT:-1}" = 0 ]; then
    return 0
  elif [ -n "$why" ]; then
    snapshot_skip "$why"
  elif [ ! -f "$dir/stamp" ]; then
    snapshot_skip "none made for this build (parasol prepare makes it, as root, where CRIU works)"
  elif [ "$dir/stamp" -ot "$parasol_root/host-tools/target/host-tools.jar" ] ||
    { [ -f "$aot" ] && [ "$dir/stamp" -ot "$aot" ]; }; then
    snapshot_skip "it is older than the build"
  else
    local stored="" stamp
    IFS= read -r -d '' stored < "$dir/stamp" || true
    snapshot_stamp
    if [ "$stored" != "$stamp" ]; then
      snapshot_skip "it was made for another kernel, CPU or JVM"
    else
      snapshot_restore "$dir" "$@"
    fi
  fi
}

snapshot_skip() {
  if [ "${PARASOL_SNAPSHOT:-}" = require ]; then
    echo "parasol: PARASOL_SNAPSHOT=require, but no start-up snapshot can be used: $1" >&2
    exit 1
  fi
}

# snapshot_restore DIR ARGS...: the restore itself; exits, or returns when it did not restore.
snapshot_restore() {
  local dir=$1
  shift
  local work=$dir/runs/$$ key=${dir#/} rc
  printf '%s\0' parasol-request-1 "$caller_dir" "$work.status" "$@" > "$work.request"
  : > "$work.status"
  # CRIU puts the caller's streams and request in place of the standby's (matched by path). A
  # background job's standard input would be /dev/null: it gets the caller's through fd 4. The
  # launcher waits; if it is killed, even by SIGKILL, CRIU gets SIGTERM (setpriv's parent-death
  # signal), and the restored process SIGINT (its own), on which it stops its VM as for Ctrl-C.
  exec 4<&0
  setpriv --pdeathsig TERM \
    criu restore -D "$dir/img" -W "$dir/runs" -o "$$.log" \
    --inherit-fd "fd[0]:$key/in" --inherit-fd "fd[1]:$key/out" \
    --inherit-fd "fd[2]:$key/err" --inherit-fd "fd[3]:$key/request" \
    0<&4 3< "$work.request" 4<&- &
  local criu_pid=$!
  exec 4<&-
  wait "$criu_pid" && rc=0 || rc=$?
  if [ -s "$work.status" ]; then
    read -r rc < "$work.status"
    rm -f "$work".*
    exit "$rc"
  fi
  if grep -q 'Restore finished successfully' "$work.log" 2> /dev/null; then
    echo "parasol: the run ended without an exit code (CRIU status $rc)" >&2
    rm -f "$work".*
    exit 12
  fi
  snapshot_skip "it did not restore (CRIU status $rc, log in $work.log)"
  echo "parasol: the start-up snapshot did not restore (CRIU status $rc, log kept in" \
    "$work.log); starting the JVM" >&2
  rm -f "$work.request" "$work.status"
}
