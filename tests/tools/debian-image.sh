#!/usr/bin/env bash
# debian-image.sh [--check] - prints the path of a real Debian 12 (bookworm) minbase root filesystem tar, built once per
# machine with Debian's mmdebstrap and cached in $MINIDOCKER_IMAGE_CACHE (default /var/cache/minidocker).
# The tests import it as an image (tests/rootless/RootlessDebian.Tests.ps1 as mdrootless,
# tests/pester/DebianImage.Tests.ps1 as root): a real distribution with files of several owners (shadow,
# staff, mail, utmp, _apt), setuid and setgid binaries and hard links, where the other tests use hand-made tars.
#
# Needs root to build (mmdebstrap's root mode keeps the owners); a cached, checked tar is only read. The tar is
# kept with its sha256 (written after the build passed the checks below): a tar that no longer matches it, or
# none, is rebuilt; a build that fails or lacks what the tests need exits non-zero, naming why: never skipped.
# Like debian:bookworm-slim, docs, man pages and locales are left out (dpkg path-exclude): about 110 MB unpacked
# instead of 170.
set -euo pipefail
cache=${MINIDOCKER_IMAGE_CACHE:-/var/cache/minidocker}
tar=$cache/debian-bookworm-minbase.tar
say() { echo "debian-image: $*" >&2; }
die() { say "$*"; exit 1; }

checked() { [ -f "$tar" ] && [ -f "$tar.sha256" ] && (cd "$cache" && sha256sum --quiet --status -c "$tar.sha256"); }
if checked; then echo "$tar"; exit 0; fi
# --check: never build (the Pester suites run in a network namespace of their own, where apt cannot reach the mirror).
[ "${1:-}" = --check ] && die "$tar is missing or fails its sha256 check: build it with 'sudo bash tests/tools/debian-image.sh' (.ci/setup.sh and build.ps1 -Test run it)"

[ "$(id -u)" = 0 ] || die "$tar is missing or fails its sha256 check, and only root can build it: run 'sudo bash .ci/setup.sh'"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing: run 'bash .ci/setup.sh' (it installs Debian's mmdebstrap)"
mkdir -p "$cache"
chmod 755 "$cache"
# One build at a time on the machine (several checkouts share the cache); the second one finds the first's tar.
exec 9>"$cache/.debian-image.lock"
flock 9
if checked; then echo "$tar"; exit 0; fi

# The host's own apt sources (deb822, else one-line), so a machine behind a mirror uses its mirror.
sources=/etc/apt/sources.list.d/debian.sources
[ -f $sources ] || sources=/etc/apt/sources.list
[ -s $sources ] || sources=
log=$cache/debian-image.log
say "building $tar with mmdebstrap --variant=minbase bookworm (once per machine; log: $log)"
rm -f "$tar" "$tar.sha256" "$tar.tmp.tar"
if ! mmdebstrap --quiet --variant=minbase --mode=root \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    bookworm "$tar.tmp.tar" $sources >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  rm -f "$tar.tmp.tar"
  die "mmdebstrap failed (full log: $log)"
fi

# What the tests rely on: without it they would prove less than they say.
list=$(tar -tvf "$tar.tmp.tar")
need() { grep -qE "$1" <<<"$list" || { rm -f "$tar.tmp.tar"; die "the built tar lacks $2 (mmdebstrap log: $log)"; }; }
need ' \./etc/debian_version$' /etc/debian_version
need ' \./usr/bin/dpkg$' /usr/bin/dpkg
need ' \./usr/bin/apt-get$' /usr/bin/apt-get
need ' \./usr/bin/bash$' /usr/bin/bash
need '^-rwsr-xr-x 0/0 .* \./usr/bin/su$' 'a setuid root /usr/bin/su'
need '^-rw-r----- 0/42 .* \./etc/shadow$' '/etc/shadow of group shadow (42)'
need '^drwxrwsr-x 0/50 .* \./var/local/$' '/var/local of group staff (50)'
need '^drwxrwsr-x 0/8 .* \./var/mail/$' '/var/mail of group mail (8)'
mv "$tar.tmp.tar" "$tar"
chmod 644 "$tar"
(cd "$cache" && sha256sum "$(basename "$tar")" >"$tar.sha256")
say "built $tar ($(du -m "$tar" | cut -f1) MB)"
echo "$tar"
