#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Pull of a multi-layer image from a local registry: Receive-MiniImage against `skopeo copy` to an OCI
    layout followed by Import-MiniImage of that layout (time and peak memory), as ratios.
.DESCRIPTION
    Self-contained and offline: starts Debian's docker-registry on 127.0.0.1 (a free port, storage in the
    bench's work folder), makes an OCI layout of -Layers gzip layers of -LayerMB each (half random, half
    text, in files of mixed sizes) and pushes it with skopeo. Then, -Runs times each, from an empty store:
      1. Receive-MiniImage in this warm session (Stopwatch);
      2. skopeo copy docker://... oci:DIR plus Import-MiniImage DIR in this session (the sum).
    Peak memory is each tool's maximum resident set (GNU time -f %M) in a process of its own, once:
    pwsh running the pull, skopeo copy, pwsh running the import, and pwsh that only imports the module
    (the baseline every MiniDocker process carries). Everything lives under /tmp/minidocker-bench-registry-PID
    and is removed at the end, the registry stopped. Needs root, a built module, docker-registry, skopeo
    and /usr/bin/time (.ci/setup.sh installs them).
.EXAMPLE
    sudo pwsh bench/registry.ps1 -BuildOutput out -Layers 4 -LayerMB 16 -Runs 3
#>
[CmdletBinding()]
param(
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [int]$Layers = 4,
    [int]$LayerMB = 16,
    [int]$Runs = 3
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force
foreach ($tool in 'docker-registry', 'skopeo', '/usr/bin/time') { if (-not (Get-Command $tool -ErrorAction Ignore)) { throw "bench/registry.ps1 needs $tool`: run .ci/setup.sh." } }
$session = Enter-BenchSession -Name registry -BuildOutput $BuildOutput
$work = $session.Work
$module = Join-Path $session.BuildOutput 'MiniDocker/MiniDocker.psd1'
$pwsh = Join-Path $PSHOME 'pwsh'
$registry = $null

function Get-Sha256([string]$Path) { (Get-FileHash -Algorithm SHA256 $Path).Hash.ToLowerInvariant() }
function Add-Blob([string]$Layout, [string]$File) {
    $hex = Get-Sha256 $File
    Move-Item $File (Join-Path $Layout "blobs/sha256/$hex") -Force
    [ordered]@{ digest = "sha256:$hex"; size = (Get-Item (Join-Path $Layout "blobs/sha256/$hex")).Length }
}
function Add-Json([string]$Layout, $Object, [string]$MediaType) {
    $file = Join-Path $work "json-$([guid]::NewGuid().ToString('n'))"
    [IO.File]::WriteAllText($file, ($Object | ConvertTo-Json -Depth 10 -Compress))
    $d = Add-Blob $Layout $file
    [ordered]@{ mediaType = $MediaType; digest = $d.digest; size = $d.size }
}
# MB of data in files of 4 KB .. 4 MB, half random (incompressible), half repetitive text.
function New-Tree([string]$Path, [int]$MB, [int]$Seed) {
    $rng = [Random]::new($Seed)
    $sizes = 4KB, 16KB, 64KB, 512KB, 4MB
    $text = [Text.Encoding]::ASCII.GetBytes('the quick brown fox jumps over the lazy dog ' * 200)
    $written = 0L; $i = 0
    while ($written -lt $MB * 1MB) {
        $dir = Join-Path $Path ("layer$Seed/d{0:d2}" -f ($i % 10))
        New-Item -ItemType Directory -Force $dir | Out-Null
        $buf = [byte[]]::new($sizes[$i % $sizes.Count])
        if ($i % 2) { $rng.NextBytes($buf) } else { for ($o = 0; $o -lt $buf.Length; $o += $text.Length) { [Array]::Copy($text, 0, $buf, $o, [Math]::Min($text.Length, $buf.Length - $o)) } }
        [IO.File]::WriteAllBytes((Join-Path $dir "f$i.bin"), $buf)
        $written += $buf.Length; $i++
    }
}
# Wall seconds and peak resident KiB of one command, in a process of its own.
function Measure-Peak([string[]]$Command) {
    $out = Join-Path $work 'time.out'
    & /usr/bin/time -o $out -f '%e %M' @Command *> (Join-Path $work 'peak.log')
    if ($LASTEXITCODE) { throw "$($Command -join ' ') failed: $(Get-Content -Raw (Join-Path $work 'peak.log'))" }
    $e, $m = (Get-Content $out | Select-Object -Last 1) -split ' '
    [pscustomobject]@{ Seconds = [double]$e; PeakMB = [Math]::Round([double]$m / 1024, 1) }
}
function Clear-Store { Get-MiniImage | Remove-MiniImage -Force -Confirm:$false }

try {
    New-Item -ItemType Directory -Force $work | Out-Null
    # ---- the registry, on loopback only
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    New-Item -ItemType Directory -Force (Join-Path $work 'registry') | Out-Null
    Set-Content (Join-Path $work 'registry.yml') @"
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
"@
    $registry = Start-Process docker-registry -ArgumentList 'serve', (Join-Path $work 'registry.yml') -RedirectStandardError (Join-Path $work 'registry.err') -RedirectStandardOutput (Join-Path $work 'registry.out') -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $port); break } catch { if ([DateTime]::UtcNow -gt $deadline -or $registry.HasExited) { throw 'docker-registry did not start' }; Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
    }

    # ---- the image: the busybox rootfs plus LAYERS data layers, as an OCI layout pushed with skopeo
    Write-Host "Making a $($Layers + 1)-layer image ($Layers x $LayerMB MB of data) ..."
    $layout = Join-Path $work 'layout'
    New-Item -ItemType Directory -Force (Join-Path $layout 'blobs/sha256') | Out-Null
    $descriptors = @(); $diffIds = @()
    for ($l = 0; $l -le $Layers; $l++) {
        $tree = Join-Path $work "tree$l"
        if ($l -eq 0) { New-Item -ItemType Directory -Force $tree | Out-Null; cp -a "$($session.RootFs)/." $tree } else { New-Tree $tree $LayerMB $l }
        $tar = Join-Path $work "layer$l.tar"
        tar -C $tree --numeric-owner -cf $tar .
        $diffIds += 'sha256:' + (Get-Sha256 $tar)
        gzip -n $tar
        $d = Add-Blob $layout "$tar.gz"
        $descriptors += [ordered]@{ mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'; digest = $d.digest; size = $d.size }
        Remove-Item -Recurse -Force $tree
    }
    $config = Add-Json $layout ([ordered]@{ architecture = 'amd64'; os = 'linux'; config = @{ Cmd = @('true') }; rootfs = [ordered]@{ type = 'layers'; diff_ids = $diffIds } }) 'application/vnd.oci.image.config.v1+json'
    $manifest = Add-Json $layout ([ordered]@{ schemaVersion = 2; mediaType = 'application/vnd.oci.image.manifest.v1+json'; config = $config; layers = $descriptors }) 'application/vnd.oci.image.manifest.v1+json'
    $manifest.annotations = @{ 'org.opencontainers.image.ref.name' = 'bench' }
    Set-Content (Join-Path $layout 'oci-layout') '{"imageLayoutVersion":"1.0.0"}'
    [IO.File]::WriteAllText((Join-Path $layout 'index.json'), ([ordered]@{ schemaVersion = 2; manifests = @($manifest) } | ConvertTo-Json -Depth 10 -Compress))
    $image = "127.0.0.1:$port/bench/app:v1"
    skopeo copy --quiet --dest-tls-verify=false "oci:${layout}:bench" "docker://$image"
    if ($LASTEXITCODE) { throw 'skopeo push failed' }
    $blobMB = ($descriptors | ForEach-Object { $_.size } | Measure-Object -Sum).Sum / 1MB

    # ---- time, warm session, from an empty store each run
    $pullS = @(); $skopeoS = @(); $importS = @()
    $copy = Join-Path $work 'copy'
    Receive-MiniImage $image -ProgressAction SilentlyContinue | Out-Null   # warm-up (JIT, first connection)
    for ($r = 0; $r -lt $Runs; $r++) {
        Clear-Store
        sync
        $pullS += (Measure-Command { Receive-MiniImage $image -ProgressAction SilentlyContinue | Out-Null }).TotalSeconds
        Clear-Store
        Remove-Item -Recurse -Force $copy -ErrorAction Ignore
        sync
        $skopeoS += (Measure-Command { skopeo copy --quiet --src-tls-verify=false "docker://$image" "oci:${copy}:v1" }).TotalSeconds
        if ($LASTEXITCODE) { throw 'skopeo copy failed' }
        $importS += (Measure-Command { Import-MiniImage $copy -Name bench/app:v1 -ProgressAction SilentlyContinue | Out-Null }).TotalSeconds
    }
    $pull = (Get-BenchStats $pullS).Median; $sk = (Get-BenchStats $skopeoS).Median; $imp = (Get-BenchStats $importS).Median

    # ---- peak memory, each in a process of its own
    Clear-Store
    $baseline = Measure-Peak @($pwsh, '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'")
    $pullPeak = Measure-Peak @($pwsh, '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; Receive-MiniImage '$image' -ProgressAction SilentlyContinue -ErrorAction Stop | Out-Null")
    Clear-Store
    Remove-Item -Recurse -Force $copy -ErrorAction Ignore
    $skopeoPeak = Measure-Peak @('skopeo', 'copy', '--quiet', '--src-tls-verify=false', "docker://$image", "oci:${copy}:v1")
    $importPeak = Measure-Peak @($pwsh, '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; Import-MiniImage '$copy' -Name bench/app:v1 -ProgressAction SilentlyContinue -ErrorAction Stop | Out-Null")

    ''
    "Pull of a $($Layers + 1)-layer image ({0:N1} MB of gzip blobs) from docker-registry on 127.0.0.1, median of $Runs, warm session; load average {1}:" -f $blobMB, ((Get-Content /proc/loadavg) -split ' ')[0]
    @(
        [pscustomobject]@{ Path = 'Receive-MiniImage'; Seconds = [Math]::Round($pull, 2); 'MB/s (blobs)' = [Math]::Round($blobMB / $pull, 0); 'x skopeo+import' = [Math]::Round($pull / ($sk + $imp), 2) }
        [pscustomobject]@{ Path = 'skopeo copy to an OCI layout'; Seconds = [Math]::Round($sk, 2); 'MB/s (blobs)' = [Math]::Round($blobMB / $sk, 0); 'x skopeo+import' = $null }
        [pscustomobject]@{ Path = '+ Import-MiniImage of it'; Seconds = [Math]::Round($imp, 2); 'MB/s (blobs)' = [Math]::Round($blobMB / $imp, 0); 'x skopeo+import' = $null }
        [pscustomobject]@{ Path = 'skopeo + import'; Seconds = [Math]::Round($sk + $imp, 2); 'MB/s (blobs)' = [Math]::Round($blobMB / ($sk + $imp), 0); 'x skopeo+import' = 1 }
    ) | Format-Table | Out-String | Write-Output
    'Peak resident memory, each in its own process (pwsh rows include the module baseline):'
    @(
        [pscustomobject]@{ Process = 'pwsh: Import-Module only (baseline)'; PeakMB = $baseline.PeakMB; 'Above baseline' = $null; 'x skopeo+import' = $null }
        [pscustomobject]@{ Process = 'pwsh: Receive-MiniImage'; PeakMB = $pullPeak.PeakMB; 'Above baseline' = [Math]::Round($pullPeak.PeakMB - $baseline.PeakMB, 1); 'x skopeo+import' = [Math]::Round($pullPeak.PeakMB / [Math]::Max($skopeoPeak.PeakMB, $importPeak.PeakMB), 2) }
        [pscustomobject]@{ Process = 'skopeo copy'; PeakMB = $skopeoPeak.PeakMB; 'Above baseline' = $null; 'x skopeo+import' = $null }
        [pscustomobject]@{ Process = 'pwsh: Import-MiniImage'; PeakMB = $importPeak.PeakMB; 'Above baseline' = [Math]::Round($importPeak.PeakMB - $baseline.PeakMB, 1); 'x skopeo+import' = $null }
    ) | Format-Table | Out-String | Write-Output
    'x skopeo+import for memory: the pull''s peak over the larger of the two steps'' peaks (they run one after the other).'
}
finally {
    Clear-Store
    if ($registry -and -not $registry.HasExited) { $registry.Kill(); $registry.WaitForExit() }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Get-ChildItem /sys/fs/cgroup/*/ -Recurse -Directory -Filter "minidocker-bench-$PID" -ErrorAction SilentlyContinue | Remove-Item -Force -ErrorAction SilentlyContinue
}
