@{
    Synopsis     = 'Gets containers, each reconciled with the kernel, oldest first.'
    Description  = @'
Get-MiniContainer reads the containers from the state store ($env:MINIDOCKER_ROOT, default
/var/lib/minidocker) and checks every Running container against reality before returning it:
one whose monitor recorded an exit is reported Exited with its ExitCode and OomKilled; one whose
monitor and init are both gone without an exit status (killed, or the host rebooted) is
reported Dead with the reason in Error. A PID is compared together with its start time, so a
recycled PID is never mistaken for the container. The cgroup of a container found to have
exited is released at that moment.

Without -Name, -Id or -InputObject it returns every container. The default view is a table
like 'docker ps': Id, Name, State, Status, Command, Created.
'@
    Parameters   = @{
        Name  = 'The names of the containers to get; wildcards are allowed. Without -Name (and without -Id or -InputObject) every container is returned. A name without wildcards that matches nothing is a ContainerNotFound error.'
        State = 'Returns only containers in one of these states: Created, Running, Paused, Exited, Dead.'
        Network = 'Returns only containers on one of these networks: none, host, bridge or a network''s name.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'Id, ShortId, Name, State, RootFs, Command, Hostname, Environment, WorkingDirectory, Init, Limits, Network, IPAddress (while it runs on a bridge network), Ports, Dns, ExtraHosts, Created, StartedAt, FinishedAt, Pid, MonitorPid, ExitCode, OomKilled, Error.' }
    Examples     = @(
        @{
            Title   = 'List containers like docker ps -a'
            Code    = 'Get-MiniContainer'
            Remarks = 'Shows every container as a table.'
        }
        @{
            Title   = 'Running containers whose name starts with web-'
            Code    = 'Get-MiniContainer -Name web-* -State Running'
            Remarks = 'Filters by name (wildcards) and by state.'
        }
        @{
            Title   = 'Addresses and published ports'
            Code    = 'Get-MiniContainer -Network bridge -State Running | Select-Object Name, IPAddress, Ports'
            Remarks = 'Ports read like 0.0.0.0:8080->80/tcp.'
        }
        @{
            Title   = 'Why did a container end?'
            Code    = 'Get-MiniContainer -Id 3f2a | Format-List Name, State, ExitCode, OomKilled, FinishedAt, Error'
            Remarks = 'Any unique prefix of the id works. ExitCode is 128+N for signal N (137: SIGKILL); OomKilled says whether the kernel OOM killer fired in its cgroup.'
        }
    )
    RelatedLinks = @('New-MiniContainer', 'Remove-MiniContainer', 'Wait-MiniContainer')
}
