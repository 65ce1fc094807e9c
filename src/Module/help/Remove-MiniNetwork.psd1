@{
    Synopsis     = 'Removes a network and its bridge; refuses while containers use it unless -Force.'
    Description  = @'
Remove-MiniNetwork deletes the network's record, its bridge and its firewall rules. While any
container (running or not) was created on it, it fails with NetworkInUse naming them. The
predefined bridge, none and host cannot be removed (NetworkPredefined); an unknown name is
NetworkNotFound.
'@
    Parameters   = @{
        Name  = 'Names of the networks to remove.'
        Force = 'Removes the containers created on the network first (running ones are killed), as podman network rm -f does.'
    }
    Examples     = @(
        @{ Title = 'Remove a network'; Code = 'Remove-MiniNetwork backend'; Remarks = 'NetworkInUse while containers are on it.' }
        @{ Title = 'Remove it with its containers'; Code = 'Remove-MiniNetwork backend -Force'; Remarks = 'Its containers are removed too.' }
    )
    RelatedLinks = @('New-MiniNetwork', 'Get-MiniNetwork')
}
