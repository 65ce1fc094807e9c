#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Exec latency: Invoke-MiniContainer of `true` from a warm pwsh, the helper's exec mode alone
    (`mdhelper exec PLAN`, started from pwsh like the engine does), and `nsenter -t PID -a true`
    into the same container, side by side.
.DESCRIPTION
    Self-contained: its own state root and a cgroup parent nested under this process's own cgroup,
    both removed at the end. Needs root and a built module (build.ps1 -Output DIR). The helper also
    joins the container's cgroup (nsenter does not), so "helper without cgroup" runs the same plan
    without its `cgroup` directives to show that share. Prints medians and 90th percentiles in ms.
.EXAMPLE
    sudo pwsh bench/exec.ps1 -BuildOutput out -Iterations 50
#>
[CmdletBinding()]
param(
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [int]$Iterations = 30,
    [string]$Json
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force
$session = Enter-BenchSession -Name exec -BuildOutput $BuildOutput
$work = $session.Work
$rootfs = $session.RootFs
$helper = $session.Helper

# A plan like the engine's (docs/launch-plan.md, "Exec"): NUL-terminated directive words.
function New-ExecPlan([string]$Path, $Container, [switch]$NoCgroup) {
    # The record, not the container users see: the plan needs the init's start time and the cgroup paths.
    $Container = [MiniDocker.Engine.Containers.ContainerStore]::new([MiniDocker.Engine.EngineOptions]::new().ContainersRoot).Load($Container.Id)
    $words = @('version', '1', 'target', "$($Container.Pid)", "$($Container.PidStartTime)", 'errorfile', "$Path.error")
    if (-not $NoCgroup) {
        foreach ($d in $Container.CgroupPaths) { $words += 'cgroup', (Join-Path $d 'cgroup.procs') }
    }
    $words += 'env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'cwd', '/', 'arg', 'true'
    [IO.File]::WriteAllText($Path, (($words | ForEach-Object { "$_`0" }) -join ''))
}

$c = $null
try {
    $c = New-MiniContainer $rootfs sleep, 3600 -Name "bench-exec-$PID" | Start-MiniContainer -PassThru
    $plan = Join-Path $work 'exec.plan'
    $planNoCg = Join-Path $work 'exec-nocgroup.plan'
    New-ExecPlan $plan $c
    New-ExecPlan $planNoCg $c -NoCgroup
    $results = @(
        Measure-Case -Iterations $Iterations 'Invoke-MiniContainer true (warm pwsh)' { Invoke-MiniContainer -InputObject $c -Command true }
        Measure-Case -Iterations $Iterations 'mdhelper exec (with cgroup join)' { & $helper exec $plan; if ($LASTEXITCODE) { throw "mdhelper exec: $LASTEXITCODE" } }
        Measure-Case -Iterations $Iterations 'mdhelper exec (no cgroup join)' { & $helper exec $planNoCg; if ($LASTEXITCODE) { throw "mdhelper exec: $LASTEXITCODE" } }
        Measure-Case -Iterations $Iterations 'nsenter -t PID -a true' { & nsenter -t $c.Pid -a true; if ($LASTEXITCODE) { throw "nsenter: $LASTEXITCODE" } }
    )
    if (Get-Command hyperfine -ErrorAction SilentlyContinue) {
        # Without pwsh's own process start cost: the same binaries started by hyperfine (no shell).
        $hf = Join-Path $work 'hyperfine.json'
        $commands = @("$helper exec $plan", "$helper exec $planNoCg", "nsenter -t $($c.Pid) -a true")
        # Started from its file the helper copies itself into a sealed memfd first; the engine starts it
        # from the sealed copy it keeps (here this process's, through /proc/PID/fd/N): both, side by side.
        $sealed = [MiniDocker.Engine.ContainerEngine].Assembly.GetType('MiniDocker.Engine.Launch.SealedHelper')
        if ($sealed) { $commands += ($sealed.GetMethod('ExecutablePath').Invoke($null, @([string]$helper)) -replace '^/proc/self/', "/proc/$PID/") + " exec $planNoCg" }
        hyperfine -N --warmup 3 --runs $Iterations --export-json $hf @commands *> $null
        foreach ($r in (Get-Content $hf -Raw | ConvertFrom-Json).results) {
            $case = $r.command -replace [regex]::Escape($work + '/'), '' -replace "^/proc/$PID/fd/\d+", 'mdhelper from the sealed copy:'
            $results += [pscustomobject]@{ Case = "hyperfine: $case"; MedianMs = [math]::Round($r.median * 1000, 2); P90Ms = $null; Runs = $r.times.Count }
        }
    }
    $results | Format-Table -AutoSize | Out-Host
    if ($Json) { $results | ConvertTo-Json | Set-Content $Json }
}
finally {
    if ($c) { Remove-MiniContainer -InputObject $c -Force -Confirm:$false }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
