@{
    Synopsis     = 'Pauses running containers: every process in the container''s cgroup is frozen.'
    Description  = @'
Suspend-MiniContainer freezes the container's cgroup (v1 freezer.state FROZEN, v2 cgroup.freeze)
and returns once the kernel reports every process stopped. The state becomes Paused; the
processes keep their memory but get no CPU time and make no progress until
Resume-MiniContainer. If the kernel cannot freeze them within 5 seconds the cgroup is thawed
again and the error is FreezeTimeout.

A paused container can be stopped (Stop-MiniContainer thaws it after sending SIGTERM, so the
signal is delivered) and removed with Remove-MiniContainer -Force. Pausing a container that is
not running is a ContainerNotRunning error, pausing a paused one ContainerAlreadyPaused.
'@
    Parameters   = @{
        PassThru = 'Writes the paused container (State Paused) to the pipeline.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'With -PassThru: the paused container.' }
    Examples     = @(
        @{
            Title   = 'Pause and resume'
            Code    = @'
Suspend-MiniContainer worker
Get-MiniContainer worker        # Status: Up 3 minutes (Paused)
Resume-MiniContainer worker
'@
            Remarks = 'While paused, the worker''s output stops; after Resume-MiniContainer it continues where it was.'
        }
    )
    RelatedLinks = @('Resume-MiniContainer', 'Stop-MiniContainer', 'Get-MiniContainer')
}
