# What every bench script shares: a throw-away MiniDocker session and one way to summarise timings.

<#
.SYNOPSIS
    Prepares a bench run as root: its own state root, run root and cgroup parent (nested under this
    process's own cgroup), the built module imported. Returns BuildOutput, Work, RootFs and Helper.
    The caller removes Work (and its containers) when done.
#>
function Enter-BenchSession {
    param(
        [Parameter(Mandatory)][string]$Name,
        [Parameter(Mandatory)][string]$BuildOutput
    )
    $env:POWERSHELL_TELEMETRY_OPTOUT = '1'
    $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
    if ((id -u) -ne 0) { throw "bench/$Name.ps1 creates cgroups and runs containers: run it as root." }
    $BuildOutput = (Resolve-Path $BuildOutput).Path
    $work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-bench-$Name-$PID"
    $env:MINIDOCKER_ROOT = Join-Path $work 'state'
    $env:MINIDOCKER_RUN_ROOT = Join-Path $work 'run'
    $env:MINIDOCKER_CGROUP_PARENT = "minidocker-bench-$PID"   # relative: nested under this process's own cgroup
    $env:MINIDOCKER_DEFAULT_NETWORK = 'none'   # the peers run without a network, and a bench runs in the machine's own netns
    Import-Module (Join-Path $BuildOutput 'MiniDocker/MiniDocker.psd1') -Force -Global
    $rootfs = Join-Path $BuildOutput 'rootfs'
    if (-not (Test-Path (Join-Path $rootfs 'bin/mdtest'))) { throw "No test rootfs at ${rootfs}: run build.ps1 -Output $BuildOutput first." }
    [pscustomobject]@{ BuildOutput = $BuildOutput; Work = $work; RootFs = $rootfs; Helper = [MiniDocker.Engine.EngineOptions]::new().HelperPath }
}

<# Median (the mean of the middle two for an even count) and 90th percentile (nearest rank) of MS. #>
function Get-BenchStats([double[]]$Ms) {
    $s = @($Ms | Sort-Object)
    $median = if ($s.Count % 2) { $s[($s.Count - 1) / 2] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
    $p90 = $s[[Math]::Min($s.Count - 1, [int][Math]::Ceiling(0.9 * $s.Count) - 1)]
    [pscustomobject]@{ Median = $median; P90 = $p90; N = $s.Count }
}

<# One table row: the case's median and 90th percentile in milliseconds, rounded. #>
function ConvertTo-BenchRow([string]$Case, [double[]]$Ms) {
    $st = Get-BenchStats $Ms
    [pscustomobject]@{ Case = $Case; MedianMs = [Math]::Round($st.Median, 2); P90Ms = [Math]::Round($st.P90, 2); Runs = $st.N }
}

<# Runs BODY once to warm up (JIT, first cgroup parent), then ITERATIONS times under a stopwatch. #>
function Measure-Case([string]$Name, [int]$Iterations, [scriptblock]$Body) {
    & $Body | Out-Null
    $ms = foreach ($i in 1..$Iterations) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $Body | Out-Null
        $sw.Elapsed.TotalMilliseconds
    }
    ConvertTo-BenchRow $Name $ms
}

Export-ModuleMember -Function Enter-BenchSession, Get-BenchStats, ConvertTo-BenchRow, Measure-Case
