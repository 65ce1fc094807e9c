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
Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force
$session = Enter-BenchSession -Name security -BuildOutput $BuildOutput
$work = $session.Work
$rootfs = $session.RootFs

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
    ConvertTo-BenchRow $Name @(foreach ($i in 1..$Iterations) { & $once })
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
