@{
    Synopsis     = 'Creates a bridge network that containers join with New-MiniContainer -Network NAME.'
    Description  = @'
New-MiniNetwork records a network under $env:MINIDOCKER_ROOT/networks: a Linux bridge (md1, md2,
...; made by the first container that starts on it), an IPv4 subnet and its gateway (the
bridge's address). Containers on it get addresses from the subnet (leases under the run root,
never handed out twice), reach each other by address, and are isolated from other networks.
Outbound traffic is masqueraded unless the network is -Internal. Where aardvark-dns is installed
(DnsEnabled), its containers resolve each other by name, 12-digit short id and -NetworkAlias through
aardvark-dns on the gateway (port 53), which forwards other names to the servers each container would
have used (-Dns or the host's); without it New-MiniNetwork warns and the network resolves no names.
An -Internal network's names are answered by a server of its own that forwards nothing (see -Internal).

Errors: InvalidNetworkName, NetworkNameReserved (none, host), NetworkExists, InvalidSubnet,
SubnetOverlap (another network or a host route uses part of it), InvalidGateway, NoFreeSubnet.
Nothing is recorded when it fails.
'@
    Parameters   = @{
        Name     = 'The network''s name: 1-64 letters, digits, ''_'', ''.'' or ''-''.'
        Subnet   = @{ Description = 'IPv4 subnet in CIDR form, prefix 8-30, no host bits set, e.g. 10.90.0.0/24.'; Default = 'The first /24 from 10.89.0.0 up that no network and no host route overlaps' }
        Gateway  = @{ Description = 'The bridge''s address: a host address inside -Subnet.'; Default = 'The subnet''s first host address' }
        Internal = 'No way out: containers get no default route, nothing is masqueraded and nothing is forwarded between the bridge and other interfaces. Its DNS server (on the gateway) answers the names and aliases of the network''s containers and NXDOMAIN to every other name, and never sends a query to an upstream server, so no data leaves in a name (Docker''s CVE-2024-29018); -Dns is ignored there. The host takes only ping and that DNS server (UDP port 53) on the gateway from the bridge, plus replies to connections the host opened: no other port of the host, on any of its addresses, is reachable. Ports cannot be published on it. Networks made by an older MiniDocker get this on the next command.'
    }
    Examples     = @(
        @{ Title = 'A network for two containers'; Code = "New-MiniNetwork backend -Subnet 10.90.0.0/24`nNew-MiniContainer -Name db -Network backend -RootFs ./rootfs -Command sleep,1d | Start-MiniContainer"; Remarks = 'db gets 10.90.0.2; another container on backend reaches it there.' }
        @{ Title = 'An isolated network'; Code = 'New-MiniNetwork sandbox -Internal'; Remarks = 'Its containers reach each other, ping the gateway and resolve each other''s names there; nothing else, and no name they ask leaves the machine.' }
    )
    RelatedLinks = @('Get-MiniNetwork', 'Remove-MiniNetwork', 'New-MiniContainer')
}
