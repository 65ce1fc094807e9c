<#
.SYNOPSIS
    A server in a container on the default bridge network, reached from the host through a published port.
    (It makes the bridge md0 and the nftables table inet minidocker in the network namespace it runs in.)
#>
param([string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'))
if (-not (Get-Module MiniDocker)) { Import-Module (Join-Path $PSScriptRoot '../out/MiniDocker') }

$c = New-MiniContainer $RootFs sh, -c, 'echo ready; echo "hello from $(hostname) at $(ip -4 -o addr show eth0 | cut -d" " -f7)" | nc -l -p 80' `
    -Name web -Hostname web -Network bridge -Publish 127.0.0.1:18090:80
try {
    $c | Start-MiniContainer
    while (-not (Get-MiniContainerLog web | Where-Object Text -eq 'ready')) { Start-Sleep -Milliseconds 50 }
    Start-Sleep -Milliseconds 200                   # nc listens right after
    Get-MiniContainer web | ForEach-Object { "web: $($_.IPAddress), $($_.Ports)" }
    $tcp = [System.Net.Sockets.TcpClient]::new('127.0.0.1', 18090)
    [IO.StreamReader]::new($tcp.GetStream()).ReadLine()
    $tcp.Dispose()
} finally {
    $c | Remove-MiniContainer -Force
}
# Expect: ^web: 10\.\d+\.\d+\.\d+, 127\.0\.0\.1:18090->80/tcp$
# Expect: ^hello from web at 10\.\d+\.\d+\.\d+/24$
