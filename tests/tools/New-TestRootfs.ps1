<#
.SYNOPSIS
    Makes a throw-away root filesystem folder: busybox-static (a shell and the usual tools) when the
    host has it, plus MiniDocker's static test binary mdtest as /bin/mdtest.
.OUTPUTS
    The folder's full path.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$Path,
    [Parameter(Mandatory)][string]$TestBinary,
    [string]$Busybox = '/bin/busybox'
)
$ErrorActionPreference = 'Stop'
if (Test-Path $Path) { Remove-Item -Recurse -Force $Path }
foreach ($d in 'bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'usr/bin', 'sbin') { New-Item -ItemType Directory -Force (Join-Path $Path $d) | Out-Null }
Copy-Item $TestBinary (Join-Path $Path 'bin/mdtest')
# A dynamically linked busybox would need the host's libc inside the rootfs: only a static one will do.
$static = (Test-Path $Busybox) -and -not ([IO.File]::ReadAllText($Busybox).Substring(0, 4096).Contains('/ld-linux'))
if ($static) {
    Copy-Item $Busybox (Join-Path $Path 'bin/busybox')
    foreach ($applet in (& $Busybox --list)) {
        $link = Join-Path $Path "bin/$applet"
        if (-not (Test-Path $link)) { New-Item -ItemType SymbolicLink -Path $link -Target '/bin/busybox' | Out-Null }
    }
} else {
    # No busybox: mdtest answers to the basic names, so a first container still runs.
    foreach ($n in 'true', 'false', 'echo', 'cat', 'sleep', 'hostname') {
        New-Item -ItemType SymbolicLink -Path (Join-Path $Path "bin/$n") -Target '/bin/mdtest' | Out-Null
    }
}
Set-Content (Join-Path $Path 'etc/passwd') "root:x:0:0:root:/root:/bin/sh`nnobody:x:65534:65534:nobody:/nonexistent:/bin/false"
Set-Content (Join-Path $Path 'etc/group') "root:x:0:`nnogroup:x:65534:"
Set-Content (Join-Path $Path 'etc/os-release') "NAME=`"MiniDocker test rootfs`"`nID=minidocker"
(Resolve-Path $Path).Path
