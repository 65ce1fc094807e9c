#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Image import throughput against `tar -xzf`, and container create+start time from a small and a big image.
.DESCRIPTION
    Self-contained: generates a rootfs of -SizeMB (half random/incompressible, half compressible text, in files of
    mixed sizes) plus the busybox test rootfs, packs it as .tar.gz with tar, then measures side by side:
      1. `tar -xzf` into an empty folder vs Import-MiniImage of the same file (each -Runs times, median);
      2. New-MiniContainer + Start-MiniContainer -Wait of `true` from a 5 MB image vs the big image (median).
    Everything lives under /tmp/minidocker-bench-images-PID and is removed at the end. Needs root and a
    built module (build.ps1 -Output DIR).
.EXAMPLE
    sudo pwsh bench/images.ps1 -BuildOutput out -SizeMB 120
#>
[CmdletBinding()]
param(
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [int]$SizeMB = 120,
    [int]$Runs = 3,
    [int]$Starts = 10,
    [int]$BigImageMB = 500
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force
$session = Enter-BenchSession -Name images -BuildOutput $BuildOutput
$work = $session.Work
$rootfs = $session.RootFs

function New-Tree([string]$Path, [int]$MB) {
    # The busybox rootfs, then MB of data: half random (incompressible), half repetitive text; 4 KB .. 4 MB files.
    New-Item -ItemType Directory -Force $Path | Out-Null
    cp -a "$rootfs/." $Path
    $rng = [Random]::new(42)
    $sizes = 4KB, 4KB, 4KB, 16KB, 16KB, 64KB, 512KB, 4MB
    $text = [Text.Encoding]::ASCII.GetBytes(('the quick brown fox jumps over the lazy dog {0}' -f (1..20 -join ' ')) * 100)
    $written = 0L; $i = 0
    while ($written -lt $MB * 1MB) {
        $dir = Join-Path $Path ("data/d{0:d3}" -f ($i % 50))
        if (-not (Test-Path $dir)) { New-Item -ItemType Directory -Force $dir | Out-Null }
        $size = $sizes[$i % $sizes.Count]
        $buf = [byte[]]::new($size)
        if ($i % 2) { $rng.NextBytes($buf) } else { for ($o = 0; $o -lt $size; $o += $text.Length) { [Array]::Copy($text, 0, $buf, $o, [Math]::Min($text.Length, $size - $o)) } }
        [IO.File]::WriteAllBytes((Join-Path $dir "f$i.bin"), $buf)
        $written += $size; $i++
    }
    $i
}

try {
    New-Item -ItemType Directory -Force $work | Out-Null
    Write-Host "Generating a ${SizeMB} MB rootfs in $work ..."
    $files = New-Tree (Join-Path $work 'big') $SizeMB
    $tgz = Join-Path $work 'big.tar.gz'
    tar -C (Join-Path $work 'big') -czf $tgz .
    $tgzMB = (Get-Item $tgz).Length / 1MB
    $rawMB = (du -sm (Join-Path $work 'big')).Split("`t")[0]
    Remove-Item -Recurse -Force (Join-Path $work 'big')

    $tarTimes = @(); $importTimes = @()
    for ($r = 0; $r -lt $Runs; $r++) {
        $dest = Join-Path $work "tar-x"
        New-Item -ItemType Directory -Force $dest | Out-Null
        sync
        $tarTimes += (Measure-Command { tar -C $dest -xzf $tgz }).TotalSeconds
        Remove-Item -Recurse -Force $dest
        sync
        $importTimes += (Measure-Command { Import-MiniImage $tgz -Name bench/big -ProgressAction SilentlyContinue | Out-Null }).TotalSeconds
        if ($r -lt $Runs - 1) { Remove-MiniImage bench/big -Confirm:$false }
    }
    $tarS = (Get-BenchStats $tarTimes).Median; $impS = (Get-BenchStats $importTimes).Median

    # Container start: a 5 MB image (busybox rootfs + 3 MB) vs a big one (BigImageMB), same command.
    $small = Join-Path $work 'small'
    New-Tree $small 3 | Out-Null
    Import-MiniImage $small -Name bench/small -ProgressAction SilentlyContinue | Out-Null
    Remove-Item -Recurse -Force $small
    if ($BigImageMB -gt $SizeMB) {
        $huge = Join-Path $work 'huge'
        New-Tree $huge $BigImageMB | Out-Null
        Import-MiniImage $huge -Name bench/huge -ProgressAction SilentlyContinue | Out-Null
        Remove-Item -Recurse -Force $huge
        $bigName = 'bench/huge'
    } else { $bigName = 'bench/big' }
    $startTimes = @{}
    foreach ($img in 'bench/small', $bigName) {
        $t = @()
        for ($k = 0; $k -le $Starts; $k++) {
            $elapsed = Measure-Command {
                $c = New-MiniContainer -Image $img -Command true
                Start-MiniContainer -InputObject $c -Wait | Out-Null
            }
            Remove-MiniContainer -InputObject $c
            if ($k -gt 0) { $t += $elapsed.TotalMilliseconds }   # first run: warm-up
        }
        $startTimes[$img] = (Get-BenchStats $t).Median
    }
    $sizes = @{}; foreach ($i in Get-MiniImage bench/*) { $sizes[$i.ToString()] = $i.Size }

    ''
    "Import of a .tar.gz ({0:N0} MB on disk uncompressed, {1} files, {2:N1} MB compressed), median of {3}:" -f $rawMB, $files, $tgzMB, $Runs
    @(
        [pscustomobject]@{ Tool = 'tar -xzf'; Seconds = [Math]::Round($tarS, 2); 'MB/s (uncompressed)' = [Math]::Round($rawMB / $tarS, 0) }
        [pscustomobject]@{ Tool = 'Import-MiniImage'; Seconds = [Math]::Round($impS, 2); 'MB/s (uncompressed)' = [Math]::Round($rawMB / $impS, 0) }
    ) | Format-Table | Out-String | Write-Output
    "Container create + start + exit of 'true', median of $Starts (after one warm-up):"
    @(foreach ($img in 'bench/small', $bigName) {
        [pscustomobject]@{ Image = $img; 'Image MB' = [Math]::Round($sizes["${img}:latest"] / 1MB, 0); 'ms' = [Math]::Round($startTimes[$img], 1) }
    }) | Format-Table | Out-String | Write-Output
}
finally {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Get-ChildItem /sys/fs/cgroup/*/ -Recurse -Directory -Filter "minidocker-bench-$PID" -ErrorAction SilentlyContinue | Remove-Item -Force -ErrorAction SilentlyContinue
}
