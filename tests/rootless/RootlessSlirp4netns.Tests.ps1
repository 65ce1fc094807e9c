# -Network slirp4netns, run AS an ordinary user (Invoke-RootlessSuite.ps1): the user-mode network where pasta is missing.
# Ports published from the host's loopback into the container through slirp4netns's API socket, the container's own
# network namespace, slirp4netns gone with the container (Stop, kill -9 of the monitor, a port it cannot bind), and
# -Network pasta falling back to it when pasta is not installed (MINIDOCKER_HELPER_BINARIES_DIR names directories
# without pasta). Traffic stays on this machine's loopback.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'RootlessNetworkHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:slirp = (Get-Command slirp4netns -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $script:pasta = (Get-Command pasta -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    # Directories of helper binaries as a machine may have them: only slirp4netns, only pasta, neither.
    $script:tools = Join-Path ([IO.Path]::GetTempPath()) "md-slirp-tools-$PID"
    foreach ($d in 'slirp-only', 'pasta-only', 'none') { New-Item -ItemType Directory -Force (Join-Path $tools $d) | Out-Null }
    New-Item -ItemType SymbolicLink -Path (Join-Path $tools 'slirp-only/slirp4netns') -Target $slirp | Out-Null
    New-Item -ItemType SymbolicLink -Path (Join-Path $tools 'pasta-only/pasta') -Target $pasta | Out-Null
    function Use-ToolDirectory([string]$Name) { $env:MINIDOCKER_HELPER_BINARIES_DIR = if ($Name) { Join-Path $tools $Name } else { $null } }
    function Get-Failure([scriptblock]$Action) { try { & $Action; $null } catch { $_ } }
}

AfterAll {
    $env:MINIDOCKER_HELPER_BINARIES_DIR = $null
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Remove-Item -Recurse -Force $tools -ErrorAction SilentlyContinue
}

Describe 'Rootless -Network slirp4netns' {
    AfterEach { Use-ToolDirectory $null }

    It 'serves a published port from the host''s 127.0.0.1 to a server inside, and shows Network, Ports and IPAddress' {
        $port = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network slirp4netns -Publish "127.0.0.1:${port}:80" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -BeExactly $ServerReply
            $got = Get-MiniContainer -Id $c.Id
            $got.Network | Should -Be 'slirp4netns'
            $got.IPAddress | Should -Be '10.0.2.100'
            "$($got.Ports)" | Should -Be "127.0.0.1:$port->80/tcp"
            # Only the asked address: slirp4netns bound the host port on 127.0.0.1 alone.
            (ss -Hltn "sport = :$port" | Out-String) | Should -Match "127\.0\.0\.1:$port"
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 1
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'publishes on every address without a host IP, and binds a udp port until the container goes' {
        $port = Get-FreePort
        $uport = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network slirp4netns -Publish "${port}:80", "${uport}:53/udp" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -BeExactly $ServerReply
            (ss -Hltn "sport = :$port" | Out-String) | Should -Match "0\.0\.0\.0:$port"
            (ss -Hlun "sport = :$uport" | Out-String) | Should -Match "0\.0\.0\.0:$uport"
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
        (ss -Hlun "sport = :$uport" | Out-String).Trim() | Should -BeNullOrEmpty
        (ss -Hltn "sport = :$port" | Out-String).Trim() | Should -BeNullOrEmpty
    }

    It 'gives the container its own network namespace: eth0 10.0.2.100 via 10.0.2.2, MTU 65520, none of the host''s addresses' {
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'readlink /proc/self/ns/net; ip -4 -o addr; ip route; ip -o link show eth0; cat /etc/resolv.conf' -Network slirp4netns
        try {
            $out = ($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) -join "`n"
            $out | Should -Match 'eth0\s+inet 10\.0\.2\.100/24'
            $out | Should -Match 'default via 10\.0\.2\.2'
            $out | Should -Match 'eth0: .* mtu 65520'
            $out | Should -Match 'nameserver 10\.0\.2\.3'
            ($out -split "`n")[0] | Should -Not -Be (Get-Item /proc/self/ns/net).Target
            foreach ($a in Get-HostAddress) { $out | Should -Not -Match ([regex]::Escape(($a -split '/')[0])) }
            # The monitor killed it before it wrote the exit: nothing left once Wait returned.
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 0
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'keeps the host''s loopback out of reach: 10.0.2.2 is not the host''s 127.0.0.1 (--disable-host-loopback)' {
        # A service of the host that listens on 127.0.0.1 only, as local-only services do.
        $local = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $local.Start()
        $c = $null
        try {
            $port = $local.LocalEndpoint.Port
            $c = New-MiniContainer $rootfs /bin/sh, -c, "if echo knock | nc -w 3 10.0.2.2 $port; then echo reached; else echo refused; fi" -Network slirp4netns |
                Start-MiniContainer -PassThru
            # A connection that got through is accepted and closed, so nc ends either way and the test fails, not hangs.
            $reached = $false
            $deadline = (Get-Date).AddSeconds(15)
            while ((Get-MiniContainer -Id $c.Id).State -eq 'Running' -and (Get-Date) -lt $deadline) {
                if ($local.Pending()) { $reached = $true; $local.AcceptTcpClient().Close() }
                Start-Sleep -Milliseconds 100
            }
            $reached | Should -BeFalse
            ($c | Get-MiniContainerLog | ForEach-Object Text) -join "`n" | Should -Match 'refused'
        }
        finally { $local.Stop(); if ($c) { $c | Remove-MiniContainer -Force -Confirm:$false } }
    }

    It 'stops slirp4netns with the container: after Stop none is left and the port is free' {
        $port = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network slirp4netns -Publish "127.0.0.1:${port}:80" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -BeExactly $ServerReply
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 1
            $c | Stop-MiniContainer -Timeout 1 | Out-Null
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 0
            (ss -Hltn "sport = :$port" | Out-String).Trim() | Should -BeNullOrEmpty
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'serves the port again after Restart-MiniContainer, through a new slirp4netns (the last run''s API socket file is still there)' {
        $port = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network slirp4netns -Publish "127.0.0.1:${port}:80" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -BeExactly $ServerReply
            $first = @(Get-NetworkHelperOf slirp4netns $c.Id)
            $c | Restart-MiniContainer -Timeout 1
            Get-Reply $port | Should -BeExactly $ServerReply
            $now = @(Get-NetworkHelperOf slirp4netns $c.Id)
            $now.Count | Should -Be 1
            $now[0] | Should -Not -Be $first[0]
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'ends slirp4netns with a monitor killed by kill -9 (its exit fd), and leaves nothing after Stop' {
        $port = Get-FreePort
        $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network slirp4netns -Publish "127.0.0.1:${port}:80" | Start-MiniContainer -PassThru
        try {
            Get-Reply $port | Should -BeExactly $ServerReply
            $monitor = [int](ps -o ppid= -p $c.Pid).Trim()
            kill -9 $monitor
            # Nobody called the engine: slirp4netns saw its exit fd close and went by itself.
            Wait-NetworkHelperGone slirp4netns $c.Id | Should -Be 0
            $c | Stop-MiniContainer -Timeout 1 | Out-Null
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 0
            (ss -Hltn "sport = :$port" | Out-String).Trim() | Should -BeNullOrEmpty
            @(Get-HelperOf $c.Id).Count | Should -Be 0
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'fails with PortAlreadyAllocated when the host port is taken, and leaves nothing behind' {
        $taken = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0); $taken.Start()
        try {
            $port = $taken.LocalEndpoint.Port
            $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network slirp4netns -Publish "127.0.0.1:${port}:80"
            $err = Get-Failure { $c | Start-MiniContainer -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'PortAlreadyAllocated,*'
            $err.TargetObject.Name | Should -Be $c.Name
            "$err" | Should -BeLike "*$port*"
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 0
            @(Get-HelperOf $c.Id).Count | Should -Be 0
        }
        finally { $taken.Stop(); Get-MiniContainer -Id $c.Id -ErrorAction SilentlyContinue | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'fails with Slirp4netnsFailed, quoting slirp4netns, when it cannot bind a host address, and leaves nothing behind' {
        # 192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails, no packet is sent.
        $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network slirp4netns -Publish "192.0.2.1:$(Get-FreePort):80"
        try {
            $err = Get-Failure { $c | Start-MiniContainer -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'Slirp4netnsFailed,*'
            "$err" | Should -BeLike '*add_hostfwd*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 0
            @(Get-HelperOf $c.Id).Count | Should -Be 0
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'rejects a bad -Publish with slirp4netns before anything is made' -TestCases @(
        @{ Publish = 'nonsense' }, @{ Publish = '::1:8080:80' }, @{ Publish = '8080:80/sctp' }
    ) {
        $before = @(Get-MiniContainer).Count
        $err = Get-Failure { New-MiniContainer $rootfs /bin/true -Network slirp4netns -Publish $Publish -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidPublish,*'
        @(Get-MiniContainer).Count | Should -Be $before
    }

    It 'fails with Slirp4netnsNotInstalled when slirp4netns is missing, and the container stays Created' {
        Use-ToolDirectory 'pasta-only'
        $c = New-MiniContainer $rootfs /bin/true -Network slirp4netns
        try {
            $c.Network | Should -Be 'slirp4netns'
            $err = Get-Failure { $c | Start-MiniContainer -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'Slirp4netnsNotInstalled,*'
            "$err" | Should -BeLike '*apt-get install slirp4netns*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}

Describe 'Rootless -Network pasta where pasta is not installed' {
    AfterEach { Use-ToolDirectory $null }

    It 'falls back to slirp4netns, says so in -Verbose and in Network, and serves the published port' {
        Use-ToolDirectory 'slirp-only'
        $port = Get-FreePort
        $verbose = $null
        $c = New-MiniContainer $rootfs /bin/sh, -c, $ServerScript -Network pasta -Publish "127.0.0.1:${port}:80" -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) -join "`n"
        try {
            $c.Network | Should -Be 'slirp4netns'
            $verbose | Should -Match 'pasta .*is not installed.*slirp4netns'
            $c | Start-MiniContainer
            Get-Reply $port | Should -BeExactly $ServerReply
            (Get-MiniContainer -Id $c.Id).Network | Should -Be 'slirp4netns'
            @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 1
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
        @(Get-NetworkHelperOf slirp4netns $c.Id).Count | Should -Be 0
    }

    It 'keeps pasta where pasta is installed' {
        Use-ToolDirectory 'pasta-only'
        $c = New-MiniContainer $rootfs /bin/true -Network pasta
        try { $c.Network | Should -Be 'pasta' }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'with neither installed keeps pasta, and Start fails with PastaNotInstalled naming both packages' {
        Use-ToolDirectory 'none'
        $c = New-MiniContainer $rootfs /bin/true -Network pasta
        try {
            $c.Network | Should -Be 'pasta'
            $err = Get-Failure { $c | Start-MiniContainer -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'PastaNotInstalled,*'
            "$err" | Should -BeLike '*passt*'
            "$err" | Should -BeLike '*slirp4netns*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'Get-MiniSystemInfo reports the tools it would use' {
        (Get-MiniSystemInfo).Slirp4netns | Should -Be $slirp
        Use-ToolDirectory 'slirp-only'
        $info = Get-MiniSystemInfo
        $info.Pasta | Should -BeNullOrEmpty
        $info.Slirp4netns | Should -Be (Join-Path $tools 'slirp-only/slirp4netns')
    }
}
