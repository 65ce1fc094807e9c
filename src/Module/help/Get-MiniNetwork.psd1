@{
    Synopsis     = 'Lists networks: the default bridge network and those made with New-MiniNetwork.'
    Description  = @'
Get-MiniNetwork returns one MiniDocker.Network per network: Name, Bridge, Subnet, Gateway,
Internal, Created and Containers (the names of the containers created on it). The default
network "bridge" is always listed, with the subnet it has or would get on first use. Listing
also repairs what a crash left: address leases and firewall rules of containers whose monitor
and init are gone are released.
'@
    Parameters   = @{
        Name = 'Network names, wildcards allowed. A name without wildcards that matches nothing is a NetworkNotFound error.'
    }
    Examples     = @(
        @{ Title = 'Every network'; Code = 'Get-MiniNetwork'; Remarks = 'A table like docker network ls, with subnets and containers.' }
        @{ Title = 'Who is on a network'; Code = '(Get-MiniNetwork backend).Containers'; Remarks = 'Container names.' }
    )
    RelatedLinks = @('New-MiniNetwork', 'Remove-MiniNetwork')
}
