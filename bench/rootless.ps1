#!/usr/bin/env pwsh
<#
.SYNOPSIS
    What rootless costs a container start, side by side: MiniDocker as root, MiniDocker rootless (user namespace,
    ids mapped by newuidmap/newgidmap, no cgroup on a host without delegation), the same with `-Network pasta` and with
    `-Network pasta -Publish` (Debian's pasta as the user-mode network), and crun run rootless by the same user
    (`crun spec --rootless`), as ratios to MiniDocker as root (VsRoot) and to the rootless `-Network none` start (VsNone).
.DESCRIPTION
    Run as root: it makes the test users of tests/rootless (ensure-users.sh), times the root case itself, then
    runs itself AS mdrootless (-AsUser) for the two rootless cases. Each timed run is Start-MiniContainer -Wait of
    /bin/mdtest true (created before and removed after, outside the timing), or `crun run` of the same binary in a
    bundle the user owns. Self-contained: throw-away roots, removed at the end. Prints medians and 90th percentiles
    in milliseconds; -Json writes the rows to a file.
.EXAMPLE
    sudo pwsh bench/rootless.ps1 -BuildOutput out -Iterations 20
#>
[CmdletBinding()]
param(
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [int]$Iterations = 20,
    [string]$Json,
    [switch]$AsUser,
    [string]$UserResult
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force
$BuildOutput = (Resolve-Path $BuildOutput).Path

function Measure-MiniStart([string]$Name, [string]$Rootfs, [hashtable]$Options = @{}) {
    $once = {
        $c = New-MiniContainer $Rootfs /bin/mdtest, true @Options
        $sw = [Diagnostics.Stopwatch]::StartNew()
        Start-MiniContainer -InputObject $c -Wait | Out-Null
        $elapsed = $sw.Elapsed.TotalMilliseconds
        Remove-MiniContainer -InputObject $c
        $elapsed
    }
    $null = & $once   # warm-up: JIT, first parent directories
    ConvertTo-BenchRow $Name @(foreach ($i in 1..$Iterations) { & $once })
}

if ($AsUser) {
    # As the unprivileged user: its own copy of the rootfs (its files are container root's), XDG roots in a scratch dir.
    $work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-bench-rootless-user-$PID"
    New-Item -ItemType Directory $work | Out-Null
    $env:MINIDOCKER_ROOT = Join-Path $work 'state'
    $env:MINIDOCKER_RUN_ROOT = Join-Path $work 'run'
    New-Item -ItemType Directory $env:MINIDOCKER_RUN_ROOT | Out-Null
    & chmod 700 $work $env:MINIDOCKER_RUN_ROOT
    try {
        Import-Module (Join-Path $BuildOutput 'MiniDocker/MiniDocker.psd1') -Force
        $rootfs = Join-Path $work 'bundle/rootfs'
        New-Item -ItemType Directory (Join-Path $work 'bundle') | Out-Null
        & cp -a (Join-Path $BuildOutput 'rootfs') $rootfs
        $rows = @(Measure-MiniStart 'MiniDocker rootless -Network none' $rootfs)
        if (Get-Command pasta -ErrorAction SilentlyContinue) {
            # The monitor starts pasta before the command and kills it before the exit files: all of it is in the time.
            $rows += Measure-MiniStart 'MiniDocker rootless -Network pasta' $rootfs @{ Network = 'pasta' }
            # A free loopback port (the listener is closed before pasta binds it; each run frees it again at exit).
            $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $port = $l.LocalEndpoint.Port; $l.Stop()
            $rows += Measure-MiniStart 'MiniDocker rootless -Network pasta -Publish' $rootfs @{ Network = 'pasta'; Publish = "127.0.0.1:${port}:80" }
        }
        else { Write-Warning 'pasta is not installed (Debian package passt): no -Network pasta rows.' }
        if (Get-Command crun -ErrorAction SilentlyContinue) {
            Push-Location (Join-Path $work 'bundle')
            try {
                & crun spec --rootless
                $spec = Get-Content config.json -Raw | ConvertFrom-Json
                $spec.process.args = @('/bin/mdtest', 'true')
                $spec.process.terminal = $false
                # crun cannot mount a cgroup filesystem for a rootless container on a hybrid host; MiniDocker mounts none either.
                $spec.mounts = @($spec.mounts | Where-Object type -ne 'cgroup')
                $spec | ConvertTo-Json -Depth 20 | Set-Content config.json
                $crunRoot = Join-Path $work 'crun'
                $n = 0
                $rows += Measure-Case 'crun rootless (crun run)' $Iterations {
                    & crun --root $crunRoot --cgroup-manager=disabled run --bundle . "bench-$PID-$((++$script:n))" | Out-Null
                    if ($LASTEXITCODE) { throw "crun run failed ($LASTEXITCODE)" }
                }
            }
            finally { Pop-Location }
        }
        $rows | ConvertTo-Json | Set-Content $UserResult
    }
    finally {
        Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
        Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    }
    return
}

$session = Enter-BenchSession -Name rootless -BuildOutput $BuildOutput
& bash (Join-Path $PSScriptRoot '../tests/rootless/ensure-users.sh')
$userDir = Join-Path ([IO.Path]::GetTempPath()) "minidocker-bench-rootless-$PID"
New-Item -ItemType Directory $userDir | Out-Null
& chown mdrootless $userDir
try {
    $rows = @(Measure-MiniStart 'MiniDocker as root' $session.RootFs)
    $pwsh = Join-Path $PSScriptRoot '../.tools/pwsh/pwsh'
    # crun 1.8 refuses a hybrid host whose cgroup2 has controllers: as Invoke-Benchmark.ps1 does, an empty file hides
    # /sys/fs/cgroup/unified/cgroup.controllers in a private mount namespace (MiniDocker rootless uses no cgroup here).
    $empty = Join-Path $userDir 'empty'
    [IO.File]::WriteAllText($empty, '')
    $userCommand = "runuser -u mdrootless -- env -i HOME=/home/mdrootless PATH=/usr/local/bin:/usr/bin:/bin POWERSHELL_TELEMETRY_OPTOUT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 " +
        "'$pwsh' -NoProfile -NonInteractive -File '$PSCommandPath' -AsUser -BuildOutput '$BuildOutput' -Iterations $Iterations -UserResult '$userDir/rows.json'"
    $hide = if (Test-Path /sys/fs/cgroup/unified/cgroup.controllers) { "mount --bind '$empty' /sys/fs/cgroup/unified/cgroup.controllers && " } else { '' }
    & unshare --mount --propagation private -- sh -c "$hide$userCommand" | Out-Host
    if (Test-Path "$userDir/rows.json") { $rows += @(Get-Content "$userDir/rows.json" -Raw | ConvertFrom-Json) }
    else { Write-Warning 'The rootless half produced no result.' }
    $base = $rows[0].MedianMs
    $none = @($rows | Where-Object Case -EQ 'MiniDocker rootless -Network none')
    $rows = $rows | Select-Object Case, MedianMs, P90Ms, Runs, @{ n = 'VsRoot'; e = { [Math]::Round($_.MedianMs / $base, 2) } },
        @{ n = 'VsNone'; e = { if ($none -and $_.Case -like 'MiniDocker rootless*') { [Math]::Round($_.MedianMs / $none[0].MedianMs, 2) } } }
    "rootless: start cost on {0} ({1} CPUs), {2} runs each" -f (uname -r), [Environment]::ProcessorCount, $Iterations
    $rows | Format-Table -AutoSize | Out-String -Width 200
    if ($Json) { $rows | ConvertTo-Json | Set-Content $Json }
}
finally {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Remove-Item -Recurse -Force $session.Work, $userDir -ErrorAction SilentlyContinue
}
