#!/usr/bin/env bash
# Installs everything MiniDocker's build and tests need on a fresh Debian 12 machine (as root):
# apt packages, pwsh 7.6.9 as a dotnet tool in .tools/pwsh, Pester 5.7.1 from NuGet in .tools/pester.
# Idempotent: a second run only checks. The cgroup v2 stage's qemu, busybox-static and kernel are
# installed and cached by tests/vm/run-in-vm.sh when the stage runs (build.ps1 -Test -CgroupV2).
set -euo pipefail
export POWERSHELL_TELEMETRY_OPTOUT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

need_apt=()
command -v make >/dev/null || need_apt+=(make)
command -v cc >/dev/null || need_apt+=(gcc libc6-dev)
# The helper links libseccomp statically: the header and libseccomp.a come from libseccomp-dev.
[ -f /usr/include/seccomp.h ] && [ -f /usr/lib/x86_64-linux-gnu/libseccomp.a -o -f /usr/lib/$(gcc -dumpmachine 2>/dev/null)/libseccomp.a ] || need_apt+=(libseccomp-dev)
{ [ -x /bin/busybox ] && ! head -c 4096 /bin/busybox | grep -q ld-linux; } || need_apt+=(busybox-static)
command -v ip >/dev/null || need_apt+=(iproute2)
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
if [ "${MINIDOCKER_BENCH:-0}" = 1 ]; then
  for p in crun runc hyperfine; do command -v $p >/dev/null || need_apt+=($p); done
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "setup: the .NET SDK (8.0+) is required: https://learn.microsoft.com/dotnet/core/install/linux" >&2; exit 1; }

if [ ! -x .tools/pwsh/pwsh ]; then
  echo "setup: installing PowerShell 7.6.9 into .tools/pwsh"
  dotnet tool install PowerShell --version 7.6.9 --tool-path .tools/pwsh >/dev/null
fi
if [ ! -f .tools/pester/pester/5.7.1/tools/Pester.psd1 ]; then
  echo "setup: downloading Pester 5.7.1 into .tools/pester"
  dotnet restore tests/tools/pester/PesterDownload.csproj --packages .tools/pester -v quiet >/dev/null
fi
echo "setup: ok (pwsh: .tools/pwsh/pwsh, Pester: .tools/pester/pester/5.7.1)"
