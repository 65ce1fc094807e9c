#!/usr/bin/env bash
# Installs everything MiniDocker's build and tests need on a fresh Debian 12 machine (as root):
# apt packages, pwsh 7.6.9 as a dotnet tool in .tools/pwsh, Pester 5.7.1 from NuGet in .tools/pester.
# Idempotent: a second run only checks. The cgroup v2 stage's qemu, busybox-static and kernel are
# installed and cached by tests/vm/run-in-vm.sh when the stage runs (build.ps1 -Test -CgroupV2).
set -euo pipefail
export POWERSHELL_TELEMETRY_OPTOUT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

# 1. System packages (apt, Debian archive). The fresh-root stage (tests/freshroot) runs exactly this part
#    in a new Debian 12 minbase root (`setup.sh --packages-only`), so a package missing here fails CI with its name.
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
# mini-docker is published NativeAOT: the SDK's ILCompiler (from NuGet) links it with clang and zlib.
command -v clang >/dev/null || need_apt+=(clang)
[ -f /usr/include/zlib.h ] || need_apt+=(zlib1g-dev)
command -v nft >/dev/null || need_apt+=(nftables)   # the engine's firewall table (inet minidocker) is applied with nft -f -
# Name resolution on user networks (run as netavark runs it); Debian puts it in /usr/lib/podman.
[ -x /usr/lib/podman/aardvark-dns ] || [ -x /usr/libexec/podman/aardvark-dns ] || need_apt+=(aardvark-dns)
command -v iperf3 >/dev/null || need_apt+=(iperf3)   # bench/network.ps1: published-port throughput
# Image tests: real OCI layouts and docker save archives, made offline from a folder.
command -v umoci >/dev/null || need_apt+=(umoci)
command -v skopeo >/dev/null || need_apt+=(skopeo)
# Registry tests: a real distribution registry, htpasswd for its basic auth, zstd for zstd layers.
command -v docker-registry >/dev/null || need_apt+=(docker-registry)
command -v htpasswd >/dev/null || need_apt+=(apache2-utils)
command -v zstd >/dev/null || need_apt+=(zstd)
command -v openssl >/dev/null || need_apt+=(openssl)   # the TLS test makes its own CA
command -v python3 >/dev/null || need_apt+=(python3)
python3 -c 'import cryptography' 2>/dev/null || need_apt+=(python3-cryptography)   # the registry tests' token server signs JWTs
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)   # Remoting.Tests.ps1: PowerShell remoting over SSH to localhost
command -v tmux >/dev/null || need_apt+=(tmux)   # Exec.Tests.ps1 drives Enter-MiniContainer through it
command -v mmdebstrap >/dev/null || need_apt+=(mmdebstrap)   # the fresh-root stage (tests/freshroot), the Debian test image (tests/tools/debian-image.sh)
# Rootless mode maps a container's ids through the setuid newuidmap/newgidmap (tests/rootless runs as two test users).
{ [ -x /usr/bin/newuidmap ] && [ -x /usr/bin/newgidmap ]; } || need_apt+=(uidmap)
# Rootless -Network pasta (tests/rootless/RootlessNetwork.Tests.ps1): user-mode networking from the passt package.
command -v pasta >/dev/null || need_apt+=(passt)
# The rootless rootfs where the kernel refuses overlayfs in a user namespace (tests/rootless/RootlessFuseOverlay.Tests.ps1 forces it).
command -v fuse-overlayfs >/dev/null || need_apt+=(fuse-overlayfs)
# ... and its fallback where pasta is missing (tests/rootless/RootlessSlirp4netns.Tests.ps1).
command -v slirp4netns >/dev/null || need_apt+=(slirp4netns)
# The bench's peers: its quick mode runs in the tests (Bench.Tests.ps1), so CI proves every row is produced.
command -v crun >/dev/null || need_apt+=(crun)
command -v runc >/dev/null || need_apt+=(runc)
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)   # bench/registry.ps1: peak memory (GNU time -f %M)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  if [ -n "$add_arch" ]; then echo "setup: dpkg --add-architecture $add_arch"; dpkg --add-architecture "$add_arch"; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# pasta opens /dev/net/tun as the user: udev makes it 0666 on a standard install; a machine without udev (a
# container host, this CI) leaves the kernel's 0600, so do what udev would.
if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then echo "setup: chmod 0666 /dev/net/tun (as udev does)"; chmod 0666 /dev/net/tun; fi

# fuse-overlayfs opens /dev/fuse as the user (inside the container's user namespace): 0666 as udev (fuse3's rule) makes it.
if [ -c /dev/fuse ] && [ "$(stat -c %a /dev/fuse)" != 666 ]; then echo "setup: chmod 0666 /dev/fuse (as udev does)"; chmod 0666 /dev/fuse; fi

[ "${1:-}" = --packages-only ] && exit 0

# A real Debian 12 minbase image for the tests (root and rootless suites import it): built once per machine with
# mmdebstrap into /var/cache/minidocker, then only checked against its sha256. A failed build fails setup.
echo "setup: Debian test image: $(bash tests/tools/debian-image.sh)"

# 2. pwsh and Pester, per checkout.

# 10.0+: pwsh 7.6 runs on .NET 10; the module (ReadyToRun: crossgen2 comes from NuGet at publish), the unit tests and
# the NativeAOT mini-docker target it.
{ command -v dotnet >/dev/null && grep -q '^[1-9][0-9]\.' <<<"$(dotnet --list-sdks)"; } || { echo "setup: the .NET SDK (10.0+) is required: https://learn.microsoft.com/dotnet/core/install/linux" >&2; exit 1; }

if [ ! -x .tools/pwsh/pwsh ]; then
  echo "setup: installing PowerShell 7.6.9 into .tools/pwsh"
  dotnet tool install PowerShell --version 7.6.9 --tool-path .tools/pwsh >/dev/null
fi
if [ ! -f .tools/pester/pester/5.7.1/tools/Pester.psd1 ]; then
  echo "setup: downloading Pester 5.7.1 into .tools/pester"
  dotnet restore tests/tools/pester/PesterDownload.csproj --packages .tools/pester -v quiet >/dev/null
fi
echo "setup: ok (pwsh: .tools/pwsh/pwsh, Pester: .tools/pester/pester/5.7.1)"
