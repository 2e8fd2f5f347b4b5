#!/usr/bin/env bash
# Builds the images Baton's tests run in, offline: no registry is needed or contacted.
#
#   baton-test/busybox:latest  Debian's static busybox with its applet links, /tmp, a minimal /etc
#   baton-test/node:20         this machine's `node`, the libraries `ldd` lists and the dynamic
#                              loader, on top of the same busybox (so `/bin/sh` exists)
#
# Each image is a root filesystem assembled in a temp dir and `docker import`ed. An image that
# already exists and was made from the same inputs is left alone, so a second run takes well under
# a second. `--force` rebuilds both.
set -euo pipefail

BUSYBOX_IMAGE="baton-test/busybox:latest"
NODE_IMAGE="baton-test/node:20"
IMAGE_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

force=false
if [[ "${1:-}" == "--force" ]]; then force=true; fi

die() { echo "build-test-images: $*" >&2; exit 1; }

command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info failed)"

busybox_bin=""
for candidate in /bin/busybox /usr/bin/busybox; do
  # Only a static busybox runs in an image that has no libc.
  if [[ -x "$candidate" ]] && ! ldd "$candidate" >/dev/null 2>&1; then busybox_bin="$candidate"; break; fi
done
[[ -n "$busybox_bin" ]] || die "no static busybox found: install the Debian package busybox-static"

node_bin="$(command -v node || true)"
[[ -n "$node_bin" ]] || die "node is not installed"
node_bin="$(readlink -f "$node_bin")"

# What an image was made from, kept as a label: a changed input rebuilds the image.
busybox_source="$("$busybox_bin" 2>&1 | head -n 1 || true) $(stat -c '%s-%Y' "$busybox_bin")"
node_source="$("$node_bin" --version) $(stat -c '%s-%Y' "$node_bin") busybox=$busybox_source"

current_source() {
  docker image inspect --format '{{ index .Config.Labels "baton.test-image.source" }}' "$1" 2>/dev/null || true
}

up_to_date() {
  [[ "$force" == false ]] && [[ "$(current_source "$1")" == "$2" ]]
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A busybox root filesystem in $1: the binary, one link per applet, /tmp, /etc/passwd, /etc/group.
make_busybox_rootfs() {
  local root="$1"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root" "$root/usr/bin" "$root/usr/local/bin"
  chmod 1777 "$root/tmp"
  cp "$busybox_bin" "$root/bin/busybox"
  local applet
  for applet in $("$root/bin/busybox" --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

import_rootfs() {
  local root="$1" image="$2" source="$3" cmd="$4"
  tar --numeric-owner -C "$root" -cf - . | docker import \
    --change "ENV PATH=$IMAGE_PATH" \
    --change "CMD $cmd" \
    --change "LABEL baton.test-image.source=\"$source\"" \
    - "$image" >/dev/null
}

if up_to_date "$BUSYBOX_IMAGE" "$busybox_source"; then
  echo "build-test-images: $BUSYBOX_IMAGE is up to date"
else
  echo "build-test-images: building $BUSYBOX_IMAGE from $busybox_bin"
  make_busybox_rootfs "$work/busybox"
  import_rootfs "$work/busybox" "$BUSYBOX_IMAGE" "$busybox_source" '["sh"]'
fi

if up_to_date "$NODE_IMAGE" "$node_source"; then
  echo "build-test-images: $NODE_IMAGE is up to date"
else
  echo "build-test-images: building $NODE_IMAGE from $node_bin ($("$node_bin" --version))"
  root="$work/node"
  make_busybox_rootfs "$root"
  cp "$node_bin" "$root/usr/local/bin/node"
  # Every library ldd resolves ("name => /path (addr)") and the loader ("/lib64/ld-… (addr)"),
  # each copied to the same path it has here, symlinks followed.
  while read -r lib; do
    [[ -n "$lib" ]] || continue
    cp -L --parents "$lib" "$root/"
  done < <(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
  [[ -n "$(find "$root" -name 'ld-linux*' -print -quit)" ]] || die "ldd listed no dynamic loader for $node_bin"
  import_rootfs "$root" "$NODE_IMAGE" "$node_source" '["node"]'
fi

docker run --rm "$NODE_IMAGE" node -e 'process.exit(0)' || die "$NODE_IMAGE was built but node does not run in it"
echo "build-test-images: done"
