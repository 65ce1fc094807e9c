#!/usr/bin/env pwsh
<#
.SYNOPSIS
    What cgroups cost a container start: the cgroup alone (create with limits written, then remove) and a whole
    container (create, start, wait, remove), each without limits (only the default pids.max) and with every limit.
.DESCRIPTION
    Self-contained: its own state root and a cgroup parent nested under this process's own cgroup, both removed at
    the end. Needs root and a built module (build.ps1 -Output DIR). Prints a table of medians and 90th percentiles
    in milliseconds; -Json writes the same figures to a file.
.EXAMPLE
    sudo pwsh bench/cgroups.ps1 -BuildOutput out -Iterations 30
#>
[CmdletBinding()]
param(
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [int]$Iterations = 20,
    [string]$Json
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force
$session = Enter-BenchSession -Name cgroups -BuildOutput $BuildOutput
$work = $session.Work
$rootfs = $session.RootFs

$all = @{ Memory = 256MB; MemorySwap = 256MB; Cpus = 1; CpuShares = 512; CpusetCpus = '0'; PidsLimit = 100 }
$engine = [MiniDocker.Engine.ContainerEngine]::new()
$limitsAll = [MiniDocker.Engine.Cgroups.LimitRequest]@{ Memory = $all.Memory; MemorySwap = $all.MemorySwap; Cpus = $all.Cpus; CpuShares = $all.CpuShares; CpusetCpus = $all.CpusetCpus; PidsLimit = $all.PidsLimit }
$limitsNone = [MiniDocker.ResourceLimits]::new()
$limitsFull = $limitsAll.ApplyTo($limitsNone, [MiniDocker.Engine.Cgroups.HostCpus]::Current())

try {
    $results = @(
        Measure-Case -Iterations $Iterations 'cgroup only: create+remove, default pids.max' {
            $cg = $engine.Cgroups.Create([guid]::NewGuid().ToString('n'), $limitsNone); $engine.Cgroups.Remove($cg)
        }
        Measure-Case -Iterations $Iterations 'cgroup only: create+remove, every limit' {
            $cg = $engine.Cgroups.Create([guid]::NewGuid().ToString('n'), $limitsFull); $engine.Cgroups.Remove($cg)
        }
        Measure-Case -Iterations $Iterations 'container: new+start+wait+remove, default limits' {
            $c = New-MiniContainer $rootfs /bin/mdtest, true; Start-MiniContainer -InputObject $c -Wait; Remove-MiniContainer -InputObject $c
        }
        Measure-Case -Iterations $Iterations 'container: new+start+wait+remove, every limit' {
            $c = New-MiniContainer $rootfs /bin/mdtest, true @all; Start-MiniContainer -InputObject $c -Wait; Remove-MiniContainer -InputObject $c
        }
    )
    "cgroups: {0} on {1} ({2} CPUs), {3} runs each" -f $engine.Cgroups.Mode, (uname -r), [Environment]::ProcessorCount, $Iterations
    $results | Format-Table -AutoSize | Out-String -Width 200
    if ($Json) { $results | ConvertTo-Json | Set-Content $Json }
}
finally {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
