<#
.SYNOPSIS
    Start-up cost of the module in fresh pwsh processes, A/B between builds (issue 15, ReadyToRun): Import-Module, the
    first container cycle, and pwsh's own CPU per cycle over 100 cycles in one session.
.DESCRIPTION
    Each variant is a module manifest plus environment variables; the variants' processes alternate, so load changes hit
    them alike. CPU is the pwsh process's own (utime+stime from /proc/self/stat, children excluded: the helper's CPU is
    not pwsh's), read inside the process; JIT is System.Runtime.JitInfo's count of methods compiled in the process.
    Containers run /bin/true with -Network none in state roots of their own, and a cgroup parent nested under pwsh's own.
.EXAMPLE
    pwsh bench/startup.ps1 -Variant @{ Name = 'net8 IL'; Module = '/tmp/base/MiniDocker/MiniDocker.psd1' }, @{ Name = 'R2R'; Module = 'out/MiniDocker/MiniDocker.psd1' }
#>
param(
    # @{ Name; Module; Env = @{ NAME = value } } per build to compare.
    [Parameter(Mandatory)][hashtable[]]$Variant,
    [string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'),
    # Fresh processes per variant for Import-Module and the first cycle.
    [int]$Runs = 20,
    # Sessions per variant of 100 cycles each.
    [int]$Sessions = 3,
    [int]$Cycles = 100
)
$ErrorActionPreference = 'Stop'
$pwsh = Join-Path $PSHOME pwsh
$work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-startup-$PID"
$RootFs = (Resolve-Path $RootFs).Path

function Get-Median([double[]]$v) { $s = @($v | Sort-Object); if ($s.Count -eq 0) { return [double]::NaN }; $m = [int][Math]::Floor($s.Count / 2); if ($s.Count % 2) { $s[$m] } else { ($s[$m - 1] + $s[$m]) / 2 } }

# What one fresh pwsh runs: the figures print as one JSON line.
$probe = @'
param($Module, $RootFs, $Cycles)
$p = [Diagnostics.Process]::GetCurrentProcess()
function Cpu { $p.Refresh(); $p.TotalProcessorTime.TotalMilliseconds }
function Jit { [System.Runtime.JitInfo]::GetCompiledMethodCount($false) }
$r = [ordered]@{ StartCpu = (Cpu); StartJit = (Jit) }
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module $Module
$r.ImportWall = $sw.Elapsed.TotalMilliseconds; $r.ImportCpu = (Cpu) - $r.StartCpu; $r.ImportJit = (Jit) - $r.StartJit
$cpu = [Collections.Generic.List[double]]::new(); $jit = [Collections.Generic.List[double]]::new(); $wall = [Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Cycles; $i++) {
    $c0 = Cpu; $j0 = Jit; $sw.Restart()
    New-MiniContainer $RootFs /bin/true -Network none | Start-MiniContainer -Wait -PassThru | Remove-MiniContainer -Confirm:$false
    $wall.Add($sw.Elapsed.TotalMilliseconds); $cpu.Add((Cpu) - $c0); $jit.Add((Jit) - $j0)
}
$r.CycleWall = $wall; $r.CycleCpu = $cpu; $r.CycleJit = $jit; $r.TotalCpu = Cpu
$r.R2RAssemblies = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'MiniDocker.Engine', 'MiniDocker.PowerShell', 'Tmds.LibC', 'ZstdSharp' } | ForEach-Object { $_.GetName().Name })
$r | ConvertTo-Json -Compress -Depth 3
'@
New-Item -ItemType Directory -Force $work | Out-Null
$probePath = Join-Path $work 'probe.ps1'
Set-Content $probePath $probe

function Invoke-Probe([hashtable]$v, [int]$cycles, [int]$n) {
    $env:MINIDOCKER_ROOT = Join-Path $work "state-$n"; $env:MINIDOCKER_RUN_ROOT = Join-Path $work "run-$n"
    $env:MINIDOCKER_CGROUP_PARENT = "minidocker-startup-$PID-$n"   # relative: nested under that pwsh's own cgroup
    $saved = @{}
    foreach ($k in @($v.Env.Keys)) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $v.Env[$k]) }
    try { $line = & $pwsh -NoProfile -NonInteractive -File $probePath -Module $v.Module -RootFs $RootFs -Cycles $cycles | Select-Object -Last 1 }
    finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    if ($LASTEXITCODE -ne 0 -or -not $line) { throw "probe failed for $($v.Name)" }
    $line | ConvertFrom-Json
}

$res = @{}
foreach ($v in $Variant) { if (-not $v.Env) { $v.Env = @{} }; $res[$v.Name] = @{ Fresh = [Collections.Generic.List[object]]::new(); Sessions = [Collections.Generic.List[object]]::new() } }
$n = 0
for ($i = 0; $i -lt $Runs; $i++) { foreach ($v in $Variant) { $res[$v.Name].Fresh.Add((Invoke-Probe $v 1 (++$n))) } }
for ($i = 0; $i -lt $Sessions; $i++) { foreach ($v in $Variant) { $res[$v.Name].Sessions.Add((Invoke-Probe $v $Cycles (++$n))) } }
Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue

$rows = foreach ($v in $Variant) {
    $f = $res[$v.Name].Fresh; $s = $res[$v.Name].Sessions
    $bucket = { param($from, $to, $prop) Get-Median @($s | ForEach-Object { $x = $_.$prop; Get-Median @($x[($from - 1)..([Math]::Min($to, $x.Count) - 1)]) }) }
    [pscustomobject]@{
        Variant              = $v.Name
        'Import wall'        = Get-Median @($f.ImportWall)
        'Import CPU'         = Get-Median @($f.ImportCpu)
        'Import JIT'         = Get-Median @($f.ImportJit)
        'Cycle 1 wall'       = Get-Median @($f | ForEach-Object { $_.CycleWall[0] })
        'Cycle 1 CPU'        = Get-Median @($f | ForEach-Object { $_.CycleCpu[0] })
        'Cycle 1 JIT'        = Get-Median @($f | ForEach-Object { $_.CycleJit[0] })
        'Process CPU'        = Get-Median @($f.TotalCpu)
        'CPU/cycle 1-10'     = & $bucket 1 10 CycleCpu
        'CPU/cycle 11-50'    = & $bucket 11 50 CycleCpu
        'CPU/cycle 51-100'   = & $bucket 51 100 CycleCpu
        'JIT/cycle 2-10'     = & $bucket 2 10 CycleJit
        'Loaded'             = ($f[0].R2RAssemblies -join ',')
    }
}
$rows | Format-List | Out-Host
$rows
