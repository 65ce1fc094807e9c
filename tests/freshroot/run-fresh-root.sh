#!/usr/bin/env bash
# run-fresh-root.sh RESULT.json - proves that .ci/setup.sh --packages-only installs every system package
# the native build needs: in a fresh Debian 12 minbase root (mmdebstrap, the host's Debian apt
# sources) it runs exactly .ci/setup.sh --packages-only, then builds src/Native for linux-x64 and, with
# the cross toolchain, linux-arm64, as build.ps1 does. A build that fails names the package it
# missed. Writes {Passed, Failed, Skipped} to RESULT.json (three checks: packages, native, cross).
#
# Needs root. The minbase tarball and apt's downloads are cached in $MINIDOCKER_FRESHROOT_CACHE
# (default /var/cache/minidocker-freshroot; the tarball is rebuilt after 30 days). Mounts live in
# a private mount namespace (unshare), so nothing is left mounted even if this script is killed.
set -uo pipefail
result=${1:?usage: run-fresh-root.sh RESULT.json}
mkdir -p "$(dirname "$result")"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache=${MINIDOCKER_FRESHROOT_CACHE:-/var/cache/minidocker-freshroot}
tarball=$cache/bookworm-minbase.tar
passed=0 failed=0
say() { echo "fresh root: $*"; }
finish() {
  printf '{"Passed": %d, "Failed": %d, "Skipped": 0}\n' "$passed" "$failed" >"$result"
  say "$passed passed, $failed failed in ${SECONDS} s"
  exit $((failed > 0))
}
check() { if [ "$1" = 0 ]; then passed=$((passed + 1)); say "ok: $2"; else failed=$((failed + 1)); say "FAILED: $2"; fi; }
[ "$(id -u)" = 0 ] || { say "must run as root"; failed=3; finish; }
command -v mmdebstrap >/dev/null || { say "mmdebstrap is missing (bash .ci/setup.sh installs it)"; failed=3; finish; }

mkdir -p "$cache/archives/partial" "$cache/lists/partial"
if [ ! -f "$tarball" ] || [ -n "$(find "$tarball" -mtime +30)" ]; then
  # The host's Debian sources (deb822), so a machine behind a mirror uses its mirror.
  sources=/etc/apt/sources.list.d/debian.sources
  [ -f $sources ] || sources=
  say "mmdebstrap --variant=minbase bookworm ($tarball)"
  mmdebstrap --quiet --variant=minbase bookworm "$tarball.tmp.tar" $sources >"$cache/mmdebstrap.log" 2>&1 \
    || { tail -n 20 "$cache/mmdebstrap.log"; say "mmdebstrap failed"; failed=3; finish; }
  mv "$tarball.tmp.tar" "$tarball"
fi

root=$(mktemp -d /tmp/minidocker-freshroot.XXXXXX)
cleanup() {
  # The namespace is gone, so are its mounts; refuse to delete through one that somehow is not.
  if findmnt -rn -o TARGET | grep -q "^$root"; then say "left $root (still mounted)"; else rm -rf "$root"; fi
}
trap cleanup EXIT
tar -xf "$tarball" -C "$root"
mkdir -p "$root/src/minidocker/.ci" "$root/src/minidocker/src"
cp "$repo/.ci/setup.sh" "$root/src/minidocker/.ci/"
cp -r "$repo/src/Native" "$root/src/minidocker/src/"
rm -rf "$root/src/minidocker/src/Native/build"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# dpkg's fsyncs are most of the install time and buy nothing in a root thrown away afterwards.
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/minidocker-unsafe-io"

# Inside: $1 = root. Each step's status goes to a file: the namespace's exit status is only the last.
unshare --mount --propagation private -- bash -s "$root" <<'INNER'
set -u
root=$1 cache=${MINIDOCKER_FRESHROOT_CACHE:-/var/cache/minidocker-freshroot}
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind "$cache/archives" "$root/var/cache/apt/archives"
mount --bind "$cache/lists" "$root/var/lib/apt/lists"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root bash /src/minidocker/.ci/setup.sh --packages-only >"$root/packages.log" 2>&1; echo $? >"$root/packages.rc"
echo "fresh root: packages installed at ${SECONDS} s"
in_root make -C /src/minidocker/src/Native OUT=/tmp/out/linux-x64 >"$root/native.log" 2>&1; echo $? >"$root/native.rc"
in_root make -C /src/minidocker/src/Native CC=aarch64-linux-gnu-gcc OUT=/tmp/out/linux-arm64 >"$root/cross.log" 2>&1; echo $? >"$root/cross.rc"
INNER

# A failed build names the package: the header, library or command it missed, owned by which
# package on this (fully set-up) host.
name_missing() {
  local log=$1 f pkgs=()
  for f in $(grep -oE 'fatal error: [^:]+: No such file' "$log" | sed -E 's/fatal error: ([^:]+):.*/\1/'); do
    pkgs+=("$(dpkg -S "/usr/include/$f" "/usr/include/*/$f" 2>/dev/null | head -n1 | cut -d: -f1) (for $f)")
  done
  for f in $(grep -oE 'cannot find -l[A-Za-z0-9_+-]+' "$log" | sed 's/cannot find -l//'); do
    pkgs+=("$(dpkg -S "*/lib$f.a" 2>/dev/null | head -n1 | cut -d: -f1) (for lib$f.a)")
  done
  for f in $(grep -oE '(make: |/bin/sh: [0-9]+: )[A-Za-z0-9_.+-]+: (No such file or directory|not found)' "$log" | sed -E 's/.*: ([A-Za-z0-9_.+-]+): .*/\1/'); do
    pkgs+=("$(dpkg -S "$(command -v "$f")" 2>/dev/null | head -n1 | cut -d: -f1) (for $f)")
  done
  [ ${#pkgs[@]} -gt 0 ] && say "missing package(s) that .ci/setup.sh --packages-only must install: ${pkgs[*]}"
}
for step in packages native cross; do
  rc=$(cat "$root/$step.rc" 2>/dev/null || echo 99)
  what=$(case $step in packages) echo ".ci/setup.sh --packages-only in a fresh Debian 12 minbase root" ;;
    native) echo "make src/Native (linux-x64) there" ;; cross) echo "make src/Native CC=aarch64-linux-gnu-gcc (linux-arm64) there" ;; esac)
  if [ "$rc" = 0 ] && [ "$step" != packages ]; then
    bin=$root/tmp/out/linux-${step/native/x64}; bin=${bin/linux-cross/linux-arm64}/mdhelper
    { [ -x "$bin" ] && ! head -c 4096 "$bin" | grep -q ld-linux; } || { say "${bin#$root} is not a static executable"; rc=1; }
  fi
  if [ "$rc" != 0 ]; then tail -n 15 "$root/$step.log" | sed 's/^/  | /'; name_missing "$root/$step.log"; fi
  check "$rc" "$what"
done
finish
