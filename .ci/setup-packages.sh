#!/usr/bin/env bash
# The system-package part of .ci/setup.sh: installs (as root, from the Debian archive) every apt
# package MiniDocker's build and tests use, when it is missing. Idempotent: a second run only checks.
# The fresh-root stage (tests/freshroot) runs exactly this script in a new Debian 12 minbase root,
# so a package missing here fails CI with its name.
set -euo pipefail

need_apt=()
add_arch=
command -v make >/dev/null || need_apt+=(make)
command -v cc >/dev/null || need_apt+=(gcc libc6-dev)
native=$(dpkg --print-architecture)
triplet() { case $1 in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; *) echo "$1-unsupported" ;; esac; }
# The helper links libseccomp statically: the header and libseccomp.a come from libseccomp-dev.
[ -f /usr/include/seccomp.h ] && [ -f "/usr/lib/$(triplet "$native")/libseccomp.a" ] || need_apt+=(libseccomp-dev)
# The package carries a static helper for linux-x64 and linux-arm64: the other one is cross-built
# (Debian's cross gcc, and the foreign libseccomp-dev by multiarch) and smoke-tested under qemu-user.
case $native in
  amd64) foreign=arm64 ;;
  arm64) foreign=amd64 ;;
  *) echo "setup: the build host must be amd64 or arm64, not $native" >&2; exit 1 ;;
esac
ft=$(triplet $foreign)
command -v "$ft-gcc" >/dev/null || need_apt+=("gcc-$ft")
[ -f "/usr/$ft/lib/libc.a" ] || need_apt+=("libc6-dev-$foreign-cross")
if [ ! -f "/usr/lib/$ft/libseccomp.a" ]; then
  dpkg --print-foreign-architectures | grep -qx $foreign || add_arch=$foreign
  need_apt+=("libseccomp-dev:$foreign")
fi
command -v "qemu-${ft%%-*}-static" >/dev/null || need_apt+=(qemu-user-static)
{ [ -x /bin/busybox ] && ! head -c 4096 /bin/busybox | grep -q ld-linux; } || need_apt+=(busybox-static)
command -v ip >/dev/null || need_apt+=(iproute2)
command -v nft >/dev/null || need_apt+=(nftables)   # the engine's firewall table (inet minidocker) is applied with nft -f -
# Image tests: real OCI layouts and docker save archives, made offline from a folder.
for p in umoci skopeo; do command -v $p >/dev/null || need_apt+=($p); done
# Registry tests: a real distribution registry, htpasswd for its basic auth, zstd for zstd layers.
command -v docker-registry >/dev/null || need_apt+=(docker-registry)
command -v htpasswd >/dev/null || need_apt+=(apache2-utils)
command -v zstd >/dev/null || need_apt+=(zstd)
command -v openssl >/dev/null || need_apt+=(openssl)   # the TLS test makes its own CA
command -v python3 >/dev/null || need_apt+=(python3)
python3 -c 'import cryptography' 2>/dev/null || need_apt+=(python3-cryptography)   # the registry tests' token server signs JWTs
command -v tmux >/dev/null || need_apt+=(tmux)   # Exec.Tests.ps1 drives Enter-MiniContainer through it
command -v mmdebstrap >/dev/null || need_apt+=(mmdebstrap)   # the fresh-root stage (tests/freshroot)
# The bench's peers: its quick mode runs in the tests (Bench.Tests.ps1), so CI proves every row is produced.
for p in crun runc hyperfine; do command -v $p >/dev/null || need_apt+=($p); done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  if [ -n "$add_arch" ]; then echo "setup: dpkg --add-architecture $add_arch"; dpkg --add-architecture "$add_arch"; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
