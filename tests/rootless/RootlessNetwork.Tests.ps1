# -Network pasta, run AS an ordinary user (Invoke-RootlessSuite.ps1): a user-mode network served by pasta, ports
# published from the host's loopback into the container, the container's own network namespace, and pasta gone
# with the container (Stop, kill -9 of the monitor, a port already taken). Traffic stays on this machine's loopback.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:uid = [int](id -u)
    # Get-FreePort, Get-Reply, Get-NetworkHelperOf, the server: shared with RootlessSlirp4netns.Tests.ps1.
    Import-Module (Join-Path $PSScriptRoot 'RootlessNetworkHelpers.psm1') -Force
    function Get-PastaOf([string]$Id) { Get-NetworkHelperOf pasta $Id }
    $script:server = $ServerScript
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
}

Describe 'Rootless -Network pasta' {
    It 'serves a published port from the host''s 127.0.0.1 to a server inside, and shows Ports and IPAddress' {
        $port = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $server -Network pasta -Publish "127.0.0.1:${port}:80" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -Be "reply-from-inside`n"
            $got = Get-MiniContainer -Id $c.Id
            $got.IPAddress | Should -Be '10.0.2.100'
            "$($got.Ports)" | Should -Be "127.0.0.1:$port->80/tcp"
            # Only the asked address: the port is not open on the host's other addresses.
            (ss -Hltn "sport = :$port" | Out-String) | Should -Match "127\.0\.0\.1:$port"
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'publishes on every address without a host IP, and binds a udp port in pasta until the container goes' {
        $port = Get-FreePort
        $uport = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $server -Network pasta -Publish "${port}:80", "${uport}:53/udp" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -Be "reply-from-inside`n"
            # busybox's nc has no udp here: the host side is what pasta owns, the udp socket bound for the container.
            (ss -Hlun "sport = :$uport" | Out-String) | Should -Match "0\.0\.0\.0:$uport"
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
        (ss -Hlun "sport = :$uport" | Out-String).Trim() | Should -BeNullOrEmpty
    }

    It 'gives the container its own network namespace: eth0 10.0.2.100 via 10.0.2.2, not the host''s interfaces' {
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'readlink /proc/self/ns/net; ip -4 -o addr; ip route; cat /etc/resolv.conf' -Network pasta
        try {
            $out = ($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) -join "`n"
            $out | Should -Match 'eth0\s+inet 10\.0\.2\.100/24'
            $out | Should -Match 'default via 10\.0\.2\.2'
            $out | Should -Match 'nameserver 10\.0\.2\.3'
            $hostNs = (Get-Item /proc/self/ns/net).Target
            ($out -split "`n")[0] | Should -Not -Be $hostNs
            foreach ($a in (ip -4 -o addr | ForEach-Object { ($_ -split '\s+')[3] } | Where-Object { $_ -notlike '127.*' })) { $out | Should -Not -Match ([regex]::Escape($a)) }
            @(Get-PastaOf $c.Id).Count | Should -Be 0
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'stops pasta with the container: after Stop no pasta is left and the port is free' {
        $port = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $server -Network pasta -Publish "127.0.0.1:${port}:80" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -Be "reply-from-inside`n"
            @(Get-PastaOf $c.Id).Count | Should -Be 1
            $c | Stop-MiniContainer -Timeout 1 | Out-Null
            @(Get-PastaOf $c.Id).Count | Should -Be 0
            (ss -Hltn "sport = :$port" | Out-String).Trim() | Should -BeNullOrEmpty
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'leaves no pasta after kill -9 of the monitor once the container is stopped' {
        $port = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $server -Network pasta -Publish "127.0.0.1:${port}:80" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -Be "reply-from-inside`n"
            $monitor = [int](ps -o ppid= -p $c.Pid).Trim()
            kill -9 $monitor
            # The container runs on without its monitor, and so does its network.
            Get-Reply $port | Should -Be "reply-from-inside`n"
            $c | Stop-MiniContainer -Timeout 1 | Out-Null
            @(Get-PastaOf $c.Id).Count | Should -Be 0
            (ss -Hltn "sport = :$port" | Out-String).Trim() | Should -BeNullOrEmpty
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'fails with PortAlreadyAllocated when the host port is taken, and leaves nothing behind' {
        $taken = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $taken.Start()
        try {
            $port = $taken.LocalEndpoint.Port
            $c = New-MiniContainer $rootfs /bin/sh, -c, $server -Network pasta -Publish "127.0.0.1:${port}:80"
            $err = $null
            try { $c | Start-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'PortAlreadyAllocated,*'
            $err.TargetObject.Name | Should -Be $c.Name
            "$err" | Should -BeLike "*$port*"
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            @(Get-PastaOf $c.Id).Count | Should -Be 0
            @(pgrep -u $uid -f "mdhelper.*" 2>$null | Where-Object { (Get-Content "/proc/$_/cmdline" -Raw -ErrorAction SilentlyContinue) -match $c.Id }).Count | Should -Be 0
        }
        finally { $taken.Stop(); Get-MiniContainer -Id $c.Id -ErrorAction SilentlyContinue | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'refuses bridge and host networks rootless, naming pasta' -TestCases @(
        @{ Network = 'bridge' }, @{ Network = 'host' }
    ) {
        $err = $null
        try { New-MiniContainer $rootfs /bin/true -Network $Network -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'RootlessNetworkUnsupported,*'
        "$err" | Should -BeLike '*-Network pasta*'
    }

    It 'refuses -Publish without -Network pasta (the rootless default is none)' {
        $err = $null
        try { New-MiniContainer $rootfs /bin/true -Publish 8080:80 -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'RootlessNetworkUnsupported,*'
    }

    It 'rejects a bad -Publish with pasta before anything runs' {
        $err = $null
        try { New-MiniContainer $rootfs /bin/true -Network pasta -Publish 'nonsense' -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Not -BeLike 'RootlessNetworkUnsupported,*'
    }
}
