@{
    Synopsis     = 'Deletes containers and everything they own: cgroups, overlay layer, log and state.'
    Description  = @'
Remove-MiniContainer deletes the container's directory under $env:MINIDOCKER_ROOT/containers
(its upper layer with every file it wrote, its log and its exit record) and its cgroups. After
it, no process, mount, cgroup or file of the container is left; the root filesystem folder it
was created from is untouched.

A Running container is a ContainerRunning error unless -Force is given; with -Force everything
in its cgroup is killed first. A Dead container (monitor gone) can always be removed.
'@
    Parameters   = @{
        Force = 'Kills a running container (every process in its cgroup) and removes it.'
    }
    Examples     = @(
        @{
            Title   = 'Remove every exited container'
            Code    = 'Get-MiniContainer | Where-Object State -eq Exited | Remove-MiniContainer'
            Remarks = 'The containers bind to -InputObject from the pipeline.'
        }
        @{
            Title   = 'See what would be removed'
            Code    = 'Remove-MiniContainer -Name test-* -Force -WhatIf'
            Remarks = 'Prints one "What if" line per matching container and removes nothing.'
        }
        @{
            Title   = 'Remove a running container'
            Code    = 'Remove-MiniContainer web-1 -Force'
            Remarks = 'Without -Force this fails with ContainerRunning and the container keeps running.'
        }
    )
    RelatedLinks = @('Stop-MiniContainer', 'Get-MiniContainer')
}
