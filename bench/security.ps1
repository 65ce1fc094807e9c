#!/usr/bin/env pwsh
<#
.SYNOPSIS
    What the security defaults cost a container start, side by side: Docker's default (14 capabilities, no_new_privs,
    the default seccomp profile of ~370 rules compiled by libseccomp in the helper, masked and read-only paths),
    seccomp=unconfined (the same without the filter), -CapDrop ALL, and -Privileged (all capabilities, no filter,
    no masked paths).
.DESCRIPTION
    Times Start-MiniContainer -Wait of /bin/mdtest true (the container is created before and removed after each
    timed run, outside the timing), so the figure is plan + helper + namespaces + mounts + security + exec + exit.
    Self-contained: its own state root and a cgroup parent nested under this process's own cgroup, both removed
    at the end. Needs root and a built module (build.ps1 -Output DIR). Prints medians and 90th percentiles in
    milliseconds; -Json writes the same figures to a file.
.EXAMPLE
    sudo pwsh bench/security.ps1 -BuildOutput out -Iterations 30
#>
[CmdletBinding()]
param(
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [int]$Iterations = 20,
    [string]$Json
)
$ErrorActionPreference = 'Stop'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
if ((id -u) -ne 0) { throw 'bench/security.ps1 runs containers: run it as root.' }

$BuildOutput = (Resolve-Path $BuildOutput).Path
$work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-bench-security-$PID"
$env:MINIDOCKER_ROOT = Join-Path $work 'state'
$env:MINIDOCKER_CGROUP_PARENT = "minidocker-bench-$PID"   # relative: nested under this process's own cgroup
Import-Module (Join-Path $BuildOutput 'MiniDocker/MiniDocker.psd1') -Force
$rootfs = Join-Path $BuildOutput 'rootfs'
if (-not (Test-Path (Join-Path $rootfs 'bin/mdtest'))) { throw "No test rootfs at ${rootfs}: run build.ps1 -Output $BuildOutput first." }

function Measure-Start([string]$Name, [hashtable]$Options) {
    $once = {
        $c = New-MiniContainer $rootfs /bin/mdtest, true @Options
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Start-MiniContainer -InputObject $c -Wait | Out-Null
        $elapsed = $sw.Elapsed.TotalMilliseconds
        Remove-MiniContainer -InputObject $c
        $elapsed
    }
    $null = & $once   # warm-up: JIT, first cgroup parent creation
    $sorted = @(foreach ($i in 1..$Iterations) { & $once }) | Sort-Object
    [pscustomobject]@{
        Case     = $Name
        MedianMs = [math]::Round($sorted[[int][math]::Floor(($sorted.Count - 1) / 2)], 2)
        P90Ms    = [math]::Round($sorted[[int][math]::Floor(($sorted.Count - 1) * 0.9)], 2)
        Runs     = $sorted.Count
    }
}

try {
    # Interleaved rounds would be fairer on a shared machine; whole cases one after another keep it simple.
    $results = @(
        Measure-Start 'default: caps + nnp + seccomp + masked paths' @{}
        Measure-Start 'seccomp=unconfined (caps + nnp + masked paths)' @{ SecurityOpt = 'seccomp=unconfined' }
        Measure-Start 'default, -CapDrop ALL' @{ CapDrop = 'ALL' }
        Measure-Start '-Privileged (all caps, no seccomp, no masks)' @{ Privileged = $true }
    )
    "security: start cost on {0} ({1} CPUs), {2} runs each" -f (uname -r), [Environment]::ProcessorCount, $Iterations
    $results | Format-Table -AutoSize | Out-String -Width 200
    if ($Json) { $results | ConvertTo-Json | Set-Content $Json }
}
finally {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
