# What the rootless user-mode network suites share (RootlessNetwork.Tests.ps1 for pasta, RootlessSlirp4netns.Tests.ps1):
# free ports, a reply through a published port, the network helper processes of one container. Loopback only.

# A server inside the container: httpd answering /index.html with one known line.
$ServerScript = 'echo reply-from-inside > /tmp/index.html; exec httpd -f -p 80 -h /tmp'
$ServerReply = "reply-from-inside`n"

# A port nobody uses now: the kernel picks it.
function Get-FreePort {
    $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $l.Start()
    try { $l.LocalEndpoint.Port } finally { $l.Stop() }
}

# The body from 127.0.0.1:PORT, retried until the server inside listens (10 s at most).
function Get-Reply([int]$Port, [string]$Path = '/index.html') {
    $deadline = (Get-Date).AddSeconds(10)
    while ($true) {
        try { return (Invoke-WebRequest "http://127.0.0.1:$Port$Path" -TimeoutSec 5).Content }
        catch { if ((Get-Date) -gt $deadline) { throw }; Start-Sleep -Milliseconds 100 }
    }
}

# This user's pasta or slirp4netns processes serving container ID: pasta names the container's pid file on its command
# line; slirp4netns runs in the container's run directory.
function Get-NetworkHelperOf([ValidateSet('pasta', 'slirp4netns')][string]$Tool, [string]$Id) {
    $uid = [int](id -u)
    if ($Tool -eq 'pasta') { return @(pgrep -u $uid -f "pasta.*$Id" 2>$null) }
    @(pgrep -u $uid -x slirp4netns 2>$null | Where-Object { (Get-Item "/proc/$_/cwd" -ErrorAction SilentlyContinue).Target -match $Id })
}

# Waits (10 s at most) until container ID has no TOOL process left; returns how many are left.
function Wait-NetworkHelperGone([string]$Tool, [string]$Id) {
    $deadline = (Get-Date).AddSeconds(10)
    while (($left = @(Get-NetworkHelperOf $Tool $Id)).Count -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
    $left.Count
}

# This user's helper processes (monitors) of container ID.
function Get-HelperOf([string]$Id) {
    @(pgrep -u ([int](id -u)) -f 'mdhelper.*' 2>$null | Where-Object { (Get-Content "/proc/$_/cmdline" -Raw -ErrorAction SilentlyContinue) -match $Id })
}

# The host's own IPv4 addresses (not loopback): none may appear in a container's network namespace.
function Get-HostAddress { ip -4 -o addr | ForEach-Object { ($_ -split '\s+')[3] } | Where-Object { $_ -notlike '127.*' } }

Export-ModuleMember -Function * -Variable ServerScript, ServerReply
