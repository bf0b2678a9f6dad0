# Shell functions that build boot images from Debian packages. Source it after lib.sh, with
# $debs set to the download cache and say() defined; don't run it.
#   resolve_kernel META   the versioned linux-image package a metapackage depends on
#   fetch_deb PKG         downloads PKG's candidate .deb into $debs (reusing it) and prints its path
#   extract_deb DEB DIR [GLOB]
#   pack_cpio DIR FILE    a reproducible gzip'd newc cpio of DIR

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
  cpio --help 2>&1 | grep -q -- --reproducible && repro=(--reproducible)
  find "$dir" -exec touch -h -d @0 {} +
  (cd "$dir" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 "${repro[@]}" --quiet) | gzip -n -9 > "$dest.tmp"
  mv "$dest.tmp" "$dest"
}

