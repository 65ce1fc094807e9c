#!/usr/bin/env bash
# Installs everything MiniDocker's build and tests need on a fresh Debian 12 machine (as root):
# apt packages (.ci/setup-packages.sh), pwsh 7.6.9 as a dotnet tool in .tools/pwsh, Pester 5.7.1 from NuGet in .tools/pester.
# Idempotent: a second run only checks. The cgroup v2 stage's qemu, busybox-static and kernel are
# installed and cached by tests/vm/run-in-vm.sh when the stage runs (build.ps1 -Test -CgroupV2).
set -euo pipefail
export POWERSHELL_TELEMETRY_OPTOUT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

bash .ci/setup-packages.sh   # apt packages; the fresh-root stage runs exactly this part

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
