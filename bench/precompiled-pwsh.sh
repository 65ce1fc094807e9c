#!/usr/bin/env bash
# Makes a copy of the repo's pwsh (.tools/pwsh, the `dotnet tool` build) with its assemblies precompiled
# (ReadyToRun), as Microsoft's own pwsh packages (deb, rpm, tar.gz) are since PowerShell 7.1: the `dotnet tool`
# build ships IL only, so every session JIT-compiles PowerShell itself and the bench would charge that to us.
# Prints the new pwsh's path; made once per machine, in /var/cache/minidocker. Needs crossgen2 from NuGet
# (build.ps1 restores it for the module's own ReadyToRun publish).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tool=$(dirname "$(find "$repo/.tools/pwsh/.store" -path '*/any/unix/pwsh.dll' | head -n 1)")
[ -d "$tool" ] || { echo "precompiled-pwsh: no pwsh in $repo/.tools (run .ci/setup.sh)" >&2; exit 1; }
version=$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$tool")")")")")
runtime=$(dotnet --list-runtimes | awk '/^Microsoft.NETCore.App 10\./ { v = $2; d = $3 } END { gsub(/[\[\]]/, "", d); print v " " d "/" v }')
read -r rtversion rtdir <<<"$runtime"
crossgen="$HOME/.nuget/packages/microsoft.netcore.app.crossgen2.linux-x64/$rtversion/tools/crossgen2"
[ -x "$crossgen" ] || { echo "precompiled-pwsh: no crossgen2 $rtversion in the NuGet cache (run ./build.ps1 once)" >&2; exit 1; }
out=/var/cache/minidocker/pwsh-precompiled-$version-$rtversion
if [ ! -f "$out/.done" ]; then
    rm -rf "$out.tmp" && mkdir -p "$out.tmp" && cp -a "$tool/." "$out.tmp/"
    for dll in "$tool"/*.dll; do
        name=$(basename "$dll")
        # Roslyn serves only Add-Type; Microsoft's packages precompile it too, but it costs a minute here.
        case $name in Microsoft.CodeAnalysis*) continue ;; esac
        "$crossgen" "$dll" -o "$out.tmp/$name" -r "$tool/" -r "$rtdir/" --targetos linux --targetarch x64 -O >/dev/null 2>&1 \
            || cp "$dll" "$out.tmp/$name"   # not every file is a managed assembly
    done
    chmod +x "$out.tmp/pwsh"
    touch "$out.tmp/.done" && rm -rf "$out" && mv "$out.tmp" "$out"
fi
echo "$out/pwsh"
