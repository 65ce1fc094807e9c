@{
    Synopsis     = 'Waits until containers exit and returns them, with ExitCode and OomKilled.'
    Description  = @'
Wait-MiniContainer blocks until each container has exited (its monitor recorded the exit
status) and writes the container to the pipeline, reconciled: State Exited, ExitCode (128+N
for signal N), OomKilled, FinishedAt. A container that already exited is returned at once; one
that was never started is a ContainerNotStarted error. A container still running after -Timeout
seconds is a WaitTimeout error (category OperationTimeout). Ctrl+C stops waiting; the container
keeps running.
'@
    Parameters   = @{
        Timeout = @{
            Description = 'Seconds to wait for each container. 0 only checks. By default it waits as long as it takes.'
            Default     = 'Wait forever'
        }
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
    )
    RelatedLinks = @('Start-MiniContainer', 'Get-MiniContainer')
}
