@{
    Synopsis     = 'Waits until containers exit and returns them, with ExitCode and OomKilled.'
    Description  = @'
Wait-MiniContainer blocks until each container has exited (its monitor recorded the exit
status) and writes the container to the pipeline, reconciled: State Exited, ExitCode (128+N
for signal N), OomKilled, FinishedAt. A container that already exited is returned at once; one
that was never started is a ContainerNotStarted error. A container still running after -Timeout
seconds is a WaitTimeout error (category OperationTimeout). Ctrl+C stops waiting; the container
keeps running.

With -Condition or -LogPattern it waits until the container is ready instead of until it exits
(a readiness wait, e.g. in a Pester BeforeAll): -LogPattern is a regular expression that a line
of the current run's log (stdout or stderr) must match; -Condition a script block that gets the
container, fresh each time, as $_ and must return a true value (e.g. a port answering or a file
existing). Both are checked every 100 ms; given both, both must hold. The container is written
to the pipeline once it is ready. If it stops first: ContainerExitedBeforeReady (with its exit
code); if -Timeout passes: WaitTimeout.
'@
    Parameters   = @{
        Timeout = @{
            Description = 'Seconds to wait for each container. 0 only checks. By default it waits as long as it takes.'
            Default     = 'Wait forever'
        }
        Condition  = 'Waits until this script block returns a true value instead of until the container exits; it runs every 100 ms with the current container as $_.'
        LogPattern = 'Waits until a line the container logged in its current run matches this regular expression (e.g. ''ready'') instead of until it exits.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'Each container after it exited.' }
    Examples     = @(
        @{
            Title   = 'Run several containers in parallel and collect their exit codes'
            Code    = @'
$jobs = 1..3 | ForEach-Object { New-MiniContainer ./out/rootfs sh, -c, "sleep $_; exit $_" | Start-MiniContainer -PassThru }
$jobs | Wait-MiniContainer | Select-Object Name, ExitCode
'@
            Remarks = 'The three containers run at the same time; the exit codes are 1, 2 and 3.'
        }
        @{
            Title   = 'Give up after a while'
            Code    = 'Wait-MiniContainer -Name build -Timeout 60 -ErrorAction Stop'
            Remarks = 'Throws WaitTimeout if the container build is still running after a minute.'
        }
        @{
            Title   = 'Wait until a service is ready'
            Code    = @'
$db = New-MiniContainer ./out/rootfs sh, -c, 'sleep 1; echo ready; sleep 600' -AutoRemove | Start-MiniContainer -PassThru
$db | Wait-MiniContainer -LogPattern 'ready' -Timeout 30 -ErrorAction Stop
'@
            Remarks = 'Returns the running container as soon as it logs "ready"; throws if it exits first or takes over 30 s.'
        }
    )
    RelatedLinks = @('Start-MiniContainer', 'Get-MiniContainer')
}
