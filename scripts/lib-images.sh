# Shell functions that build boot images from Debian packages. Source it after lib.sh, with
# $debs set to the download cache and say() defined; don't run it.
#   resolve_kernel META   the versioned linux-image package a metapackage depends on
#   fetch_deb PKG         downloads PKG's candidate .deb into $debs (reusing it) and prints its path
#   extract_deb DEB DIR [GLOB]
#   pack_cpio DIR FILE    a reproducible gzip'd newc cpio of DIR
#   make_fio_initramfs    target/images/initramfs-fio.cpio.gz (the fio benchmark guest)
#   mount_image_fs DIR    an ext4 RAM disk at DIR for benchmark images (in the lab)

# The versioned package a metapackage depends on: linux-image-cloud-amd64 -> linux-image-6.1.0-NN-cloud-amd64.
resolve_kernel() {
  local meta=$1 pkg
  pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/^ *Depends: linux-image-[0-9]/ { print $2; exit }')
  if [ -z "$pkg" ]; then
    say "cannot resolve $meta to a kernel package; run 'apt-get update' or check your apt sources."
    return 1
  fi
  echo "$pkg"
}

# Downloads package $1 into $debs unless its candidate version is already there; prints the .deb path.
fetch_deb() {
  local pkg=$1 version file
  version=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then
    say "no installable version of $pkg in the apt sources; run 'apt-get update'."
    return 1
  fi
  # apt-get download writes an epoch's colon as %3a.
  local pattern="$debs/${pkg}_${version//:/%3a}_"
  file=$(ls "$pattern"*.deb 2>/dev/null | head -1 || true)
  if [ -n "$file" ]; then
    say "reusing $(basename "$file")"
  else
    say "downloading $pkg $version"
    # The cache belongs to us, not to the _apt user apt would otherwise download as.
    (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$version" >&2)
    file=$(ls "$pattern"*.deb | head -1)
  fi
  echo "$file"
}

# Extracts .deb $1 into a fresh directory $2 (only the members matching $3, if given).
extract_deb() {
  say "extracting $(basename "$1")"
  rm -rf "$2" && mkdir -p "$2"
  if [ $# -ge 3 ]; then
    dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "$3"
  else
    dpkg-deb -x "$1" "$2"
  fi
}

# Packs directory $1 into a reproducible gzip'd newc cpio $2: sorted names, owner root, mtime 0.
pack_cpio() {
  local dir=$1 dest=$2 repro=()
  # (Not `| grep -q`: under pipefail cpio may die of SIGPIPE when grep stops reading early, and
  # the archive then silently loses --reproducible.)
  case "$(cpio --help 2>&1)" in *--reproducible*) repro=(--reproducible) ;; esac
  find "$dir" -exec touch -h -d @0 {} +
  (cd "$dir" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 "${repro[@]}" --quiet) | gzip -n -9 > "$dest.tmp"
  mv "$dest.tmp" "$dest"
}


# make_fio_initramfs: target/images/initramfs-fio.cpio.gz, the benchmarks' guest: initramfs-virtio's
# tree (scripts/guest-images must have run), Debian's fio with every library it links, and
# tests/fio.sh. Run from the repository root.
make_fio_initramfs() {
  local images=target/images
  local staging=$images/unpacked # where scripts/guest-images unpacks its trees
  local fio_root=$staging/initramfs-fio file
  rm -rf "$fio_root"
  cp -a "$staging/initramfs-virtio" "$fio_root"
  for file in /usr/bin/fio $(ldd /usr/bin/fio | awk '/=> \// { print $3 } /^[ \t]*\/lib64\// { print $1 }'); do
    [ -e "$fio_root$file" ] || cp -L --parents "$file" "$fio_root"
  done
  cat > "$fio_root/tests/fio.sh" <<'T'
# Loads the virtio modules, waits for /dev/vda and runs the three fio workloads on it, printing
# "BENCH-BLK WORKLOAD KIB_PER_S IOPS" for each (bench.runtime=SECONDS on the kernel command line).
# bench.warmup=SECONDS first runs each workload that long, unreported: a VMM that compiles its I/O
# path at run time (a JVM's JIT) is measured in its steady state, as one compiled ahead of time is.
for ko in $(cat /lib/modules/load-order); do insmod "/lib/modules/$ko" || echo "fio-insmod-failed=$ko"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
runtime=5 warmup=0
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    bench.runtime=*) runtime=${arg#bench.runtime=} ;;
    bench.warmup=*) warmup=${arg#bench.warmup=} ;;
  esac
done
export PATH=/bin:/usr/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu/ceph
workloads="seqread:read:1M:8 seqwrite:write:1M:8 randread:randread:4k:32"
run_fio() { # NAME:RW:BS:DEPTH SECONDS: fio's --minimal line for that workload
  IFS=: read name rw bs depth <<EOF
$1
EOF
  fio --name=$name --filename=/dev/vda --thread --direct=1 --ioengine=libaio --rw=$rw \
    --bs=$bs --iodepth=$depth --size=192M --ramp_time=1 --runtime=$2 --time_based --minimal 2>&1
}
if [ "$warmup" -gt 0 ]; then
  for w in $workloads; do run_fio $w $warmup > /dev/null; done
  echo "bench-warmup-done=${warmup}s"
fi
for w in $workloads; do
  out=$(run_fio $w $runtime)
  name=${w%%:*}
  case $w in
    *:write:*) echo "$out" | awk -F';' -v n=$name 'NF > 50 { print "BENCH-BLK", n, $48, $49 }' ;;
    *) echo "$out" | awk -F';' -v n=$name 'NF > 50 { print "BENCH-BLK", n, $7, $8 }' ;;
  esac
  echo "$out" | grep -v ';' | sed 's/^/fio: /' | head -5
done
T
  pack_cpio "$fio_root" "$images/initramfs-fio.cpio.gz"
  echo "images: wrote $images/initramfs-fio.cpio.gz ($(stat -c %s "$images/initramfs-fio.cpio.gz") bytes)" >&2
}

# mount_image_fs DIR: the benchmarks' images live on ext4 so that O_DIRECT opens work (QEMU's
# cache=none): the lab's root is a tmpfs overlay, which refuses O_DIRECT on its kernel. In the lab
# the ext4 is on a RAM disk (brd) from the lab kernel's own modules (tests/lab/build-l1's tree);
# elsewhere DIR stays a plain directory. Run from the repository root.
mount_image_fs() {
  local lab_modules
  mkdir -p "$1"
  lab_modules=$(ls -d "$parasol_root"/target/lab/unpacked/kernel/lib/modules/"$(uname -r)" 2>/dev/null || true)
  if [ -n "$lab_modules" ] && [ ! -e /lib/modules/"$(uname -r)" ]; then
    mkdir -p /lib/modules && ln -s "$lab_modules" /lib/modules/"$(uname -r)"
  fi
  if modprobe brd rd_nr=1 rd_size=$((768 * 1024)) 2>/dev/null && modprobe ext4 2>/dev/null &&
    mkfs.ext4 -q -F /dev/ram0 && mount /dev/ram0 "$1"; then
    echo "images: on ext4 on a RAM disk (/dev/ram0)" >&2
  else
    echo "images: no RAM disk: on $(stat -f -c %T "$1") in $1" >&2
  fi
}
