@{
    Synopsis     = 'Stops running containers and starts them again (docker restart).'
    Description  = @'
Restart-MiniContainer stops each running or paused container the way Stop-MiniContainer does
(SIGTERM to PID 1, then after -Timeout seconds SIGKILL to everything in its cgroup) and starts
it again, detached, with the same configuration: a new init, a new cgroup, the same upper layer
(files the container wrote stay). A container that is not running (Created, Exited, Dead) is
just started. The events log gets stop, die, start and restart.

A container made with New-MiniContainer -AutoRemove is removed when it stops, so it cannot be
restarted: AutoRemoveNoRestart, and it keeps running.
'@
    Parameters   = @{
        Timeout  = 'Seconds to wait after SIGTERM before killing everything in the container''s cgroup. 0 kills at once.'
        PassThru = 'Writes the restarted container (State Running, new Pid and StartedAt) to the pipeline.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'With -PassThru: each restarted container.' }
    Examples     = @(
        @{
            Title   = 'Restart a service after changing its configuration'
            Code    = @'
Copy-MiniContainerItem web -Path ./app.conf -Destination /etc/app.conf -ToContainer
Restart-MiniContainer web -Timeout 5 -PassThru
'@
            Remarks = 'The new app.conf is in the container''s upper layer, so the restarted process reads it.'
        }
        @{
            Title   = 'Restart every running container'
            Code    = 'Get-MiniContainer | Where-Object State -eq Running | Restart-MiniContainer'
            Remarks = 'Containers bind from the pipeline; each is stopped and started in turn.'
        }
    )
    RelatedLinks = @('Stop-MiniContainer', 'Start-MiniContainer')
}
