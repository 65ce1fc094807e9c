@{
    Synopsis     = 'What happened to containers, as objects (docker events).'
    Description  = @'
Get-MiniEvent reads the engine's event log: one MiniDocker.ContainerEvent (Time in UTC, Action,
ContainerId, ContainerName, ExitCode, Detail) for each create, start, pause, unpause, kill (Detail: the signal),
stop, die (ExitCode; Detail says why for a Dead container), restart, rename (Detail: the old name)
and remove, oldest first. Every MiniDocker command in any session writes to it.

A container's death is recorded by the first command that notices it (Wait-MiniContainer,
Get-MiniContainer, Start -Wait, ...), once. With -Follow the cmdlet itself looks about once a
second, so a detached container that dies with nobody watching gets its die event while you
follow; Ctrl+C ends it.

The log lives in the state root (events.log). It is bounded: past 1 MiB it is rotated once
(events.log.1), so about the last 2 MiB of events are kept. Each event is one appended line; a
line cut short by a crash is skipped, never the events around it.
'@
    Parameters   = @{
        Since  = 'Only events at or after this time (any DateTime; local times are converted to UTC).'
        Until  = 'Only events before this time. Not with -Follow.'
        Name   = 'Only events of containers with these names (wildcards allowed; the name the container had at that moment).'
        Action = 'Only these actions: create, start, pause, unpause, kill, stop, die, restart, rename, remove.'
        Follow = 'After the events so far, keeps streaming new ones as they happen until Ctrl+C.'
    }
    Outputs      = @{ 'MiniDocker.ContainerEvent' = 'One per event, oldest first.' }
    Examples     = @(
        @{
            Title   = 'What happened in the last hour'
            Code    = 'Get-MiniEvent -Since (Get-Date).AddHours(-1) | Format-Table Time, Action, ContainerName, ExitCode'
            Remarks = 'One row per event, like docker events --since 1h.'
        }
        @{
            Title   = 'Watch containers die'
            Code    = 'Get-MiniEvent -Follow -Action die | ForEach-Object { "$($_.ContainerName) exited with $($_.ExitCode)" }'
            Remarks = 'Runs until Ctrl+C; a line for each container that ends, detached or not.'
        }
    )
    RelatedLinks = @('Get-MiniContainer', 'Wait-MiniContainer')
}
