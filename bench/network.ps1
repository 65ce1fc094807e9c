#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Networking costs side by side, in one run: the start of a container with -Network none vs bridge vs a
    minimal C program making the same veth (vethfloor.c), and the throughput of a published port (iperf3)
    against the same server on the host side.
.DESCRIPTION
    Runs in a private network namespace of its own (it re-executes itself under `unshare --net`), so the
    machine's own network is never touched; its state root and cgroup parent are its own and removed at
    the end. Needs root, a built module, cc and iperf3 (.ci/setup.sh installs them).

    Start cost (median and p90 of -Iterations runs, after one warm-up):
      MiniDocker -Network none / bridge   New | Start -PassThru | Wait | Remove of /bin/true, warm pwsh
      C: netns only                       vethfloor --none: fork, unshare(CLONE_NEWNET), wait
      C: netns + veth                     vethfloor: the same plus the veth mdhelper makes (peer created in
                                          the netns as eth0, host end on md0, up), lo/eth0 up, address, route
    Throughput (iperf3, -Seconds each, one TCP stream): the iperf3 server on the host side (this netns'
    127.0.0.1), the same server in a bridge container reached at its own address (bridge + veth), and
    through its published port from the host's 127.0.0.1 (DNAT, route_localnet, masquerade).
    Prints the rows and the ratios; read ratios, not absolute numbers (the machines are shared).
.EXAMPLE
    sudo pwsh bench/network.ps1 -BuildOutput out
.EXAMPLE
    sudo pwsh bench/network.ps1 -Quick     # 3 runs, 1 s transfers: checks the bench still works
#>
[CmdletBinding()]
param(
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [int]$Iterations = 20,
    [int]$Seconds = 5,
    [switch]$Quick
)
$ErrorActionPreference = 'Stop'
if ($Quick) { $Iterations = 3; $Seconds = 1 }

# Into a network namespace of our own first: bridges, veths and nftables rules are made only there.
$ownNs = (Get-Item /proc/self/ns/net).Target
if (-not $env:MINIDOCKER_BENCH_PARENT_NETNS) {
    $env:MINIDOCKER_BENCH_PARENT_NETNS = $ownNs
    & unshare --net -- (Join-Path $PSHOME pwsh) -NoProfile -NonInteractive -File $PSCommandPath -BuildOutput $BuildOutput -Iterations $Iterations -Seconds $Seconds
    exit $LASTEXITCODE
}
if ($env:MINIDOCKER_BENCH_PARENT_NETNS -eq $ownNs) { throw 'bench/network.ps1 must run in its own network namespace.' }

Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force
$session = Enter-BenchSession -Name network -BuildOutput $BuildOutput
$work = $session.Work
$rootfs = $session.RootFs
foreach ($tool in 'cc', 'iperf3') { if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "bench/network.ps1 needs $tool (.ci/setup.sh installs it)." } }
ip link set lo up

$server = $null
try {
    New-Item -ItemType Directory -Force $work | Out-Null
    $vethfloor = Join-Path $work 'vethfloor'
    & cc -O2 -std=gnu11 -include stdbool.h -o $vethfloor (Join-Path $PSScriptRoot 'vethfloor.c')
    if ($LASTEXITCODE) { throw 'cc vethfloor.c failed' }

    # -------------------------------------------------------------- start cost
    $run = { param($Network) New-MiniContainer -RootFs $rootfs -Network $Network -Command /bin/true | Start-MiniContainer -PassThru | Wait-MiniContainer | Remove-MiniContainer -Confirm:$false }
    Write-Host "bench: start cost, $Iterations runs each"
    $none = Measure-Case -Iterations $Iterations 'MiniDocker -Network none' { & $run none }
    $bridge = Measure-Case -Iterations $Iterations 'MiniDocker -Network bridge' { & $run bridge }
    $gateway = (Get-MiniNetwork bridge).Gateway
    $prefix = ((Get-MiniNetwork bridge).Subnet -split '/')[1]
    $address = ($gateway -replace '\.\d+$', '.250') + "/$prefix"   # its own netns each time: never on the bridge's wire at once
    $floorNs = Measure-Case -Iterations $Iterations 'C: netns only (vethfloor --none)' { & $vethfloor --none; if ($LASTEXITCODE) { throw 'vethfloor --none failed' } }
    $script:n = 0
    $floorVeth = Measure-Case -Iterations $Iterations 'C: netns + the same veth (vethfloor)' {
        $script:n++
        & $vethfloor md0 ('mdvf{0:x9}' -f $script:n) $address $gateway
        if ($LASTEXITCODE) { throw 'vethfloor failed' }
    }
    $startRows = @($none, $bridge, $floorNs, $floorVeth)

    # -------------------------------------------------------------- throughput
    # The server's root: iperf3 and the libraries it links, nothing else (plus /tmp, where it keeps stream buffers).
    $iperfRoot = Join-Path $work 'iperf-root'
    New-Item -ItemType Directory -Force (Join-Path $iperfRoot 'tmp') | Out-Null
    $files = @('/usr/bin/iperf3') + @(ldd /usr/bin/iperf3 | ForEach-Object { if ($_ -match '(/\S+) \(0x') { $Matches[1] } })
    foreach ($f in $files) {
        $dest = Join-Path $iperfRoot $f.TrimStart('/')
        New-Item -ItemType Directory -Force (Split-Path $dest) | Out-Null
        Copy-Item -LiteralPath (readlink -f $f) -Destination $dest -Force
    }
    function Measure-Iperf([string]$Target, [int]$Port) {
        for ($try = 0; $try -lt 50; $try++) {   # the server may still be starting
            $json = iperf3 -c $Target -p $Port -t $Seconds -J 2>$null
            if ($LASTEXITCODE -eq 0) { return ((($json -join "`n") | ConvertFrom-Json).end.sum_received.bits_per_second / 1e9) }
            Start-Sleep -Milliseconds 200
        }
        throw "iperf3 to ${Target}:$Port never succeeded"
    }
    Write-Host "bench: throughput, $Seconds s per transfer"
    $hostServer = Start-Process iperf3 -ArgumentList '-s', '-p', '5301', '-B', '127.0.0.1' -PassThru -RedirectStandardOutput /dev/null
    try { $hostGbps = Measure-Iperf 127.0.0.1 5301 } finally { Stop-Process -Id $hostServer.Id -Force -ErrorAction SilentlyContinue }
    $server = New-MiniContainer -RootFs $iperfRoot -Name "bench-iperf-$PID" -Network bridge -Publish '127.0.0.1:5201:5201' -Command /usr/bin/iperf3, -s, -p, 5201 | Start-MiniContainer -PassThru
    $server = Get-MiniContainer -Id $server.Id
    $directGbps = Measure-Iperf $server.IPAddress 5201
    $publishedGbps = Measure-Iperf 127.0.0.1 5201

    # -------------------------------------------------------------- report
    Write-Host ''
    $startRows | Format-Table -AutoSize | Out-Host
    $netMd = $bridge.MedianMs - $none.MedianMs
    $netC = $floorVeth.MedianMs - $floorNs.MedianMs
    $tp = @(
        [pscustomobject]@{ Case = 'iperf3 server on the host side (127.0.0.1)'; Gbps = [Math]::Round($hostGbps, 2) }
        [pscustomobject]@{ Case = 'same server in a bridge container, its address'; Gbps = [Math]::Round($directGbps, 2) }
        [pscustomobject]@{ Case = 'same server through its published port (127.0.0.1:5201, DNAT)'; Gbps = [Math]::Round($publishedGbps, 2) }
    )
    $tp | Format-Table -AutoSize | Out-Host
    $ratios = [ordered]@{
        'start: bridge / none'                                   = [Math]::Round($bridge.MedianMs / $none.MedianMs, 2)
        'network part of a start: MiniDocker (bridge - none), ms' = [Math]::Round($netMd, 2)
        'network part of a start: C floor (veth - netns), ms'     = [Math]::Round($netC, 2)
        'network part: MiniDocker / C floor'                     = if ($netC -gt 0) { [Math]::Round($netMd / $netC, 1) } else { 'n/a' }
        'throughput: container address / host side'              = [Math]::Round($directGbps / $hostGbps, 2)
        'throughput: published port / host side'                 = [Math]::Round($publishedGbps / $hostGbps, 2)
    }
    [pscustomobject]$ratios | Format-List | Out-Host
    Write-Host ("load average: {0}" -f (Get-Content /proc/loadavg))
} finally {
    if ($server) { Remove-MiniContainer -Id $server.Id -Force -Confirm:$false -ErrorAction SilentlyContinue }
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
