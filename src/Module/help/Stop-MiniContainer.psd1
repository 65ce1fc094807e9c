@{
    Synopsis     = 'Stops running containers: SIGTERM to PID 1, then after -Timeout seconds SIGKILL to every process in the container''s cgroup.'
    Description  = @'
Stop-MiniContainer sends SIGTERM to the container's PID 1 and waits up to -Timeout seconds for
the container to exit. If it is still running then, every process in its cgroup is killed
(cgroup.kill on cgroup v2, freeze and SIGKILL on v1), so nothing it forked survives. The exit
code is 143 when SIGTERM ended it and 137 when it was killed.

The kernel delivers no signal to a PID 1 that has no handler for it: a command that does not
handle SIGTERM itself (sleep, most shells) is only ended by the SIGKILL after the timeout unless
the container was created with New-MiniContainer -Init.

A Paused container is thawed right after the SIGTERM is sent, so the signal is delivered and
the timeout works as for a running one.

With -Signal (docker kill -s) only that signal is sent to the container's PID 1 and the cmdlet
returns at once: no timeout, no SIGKILL afterwards. The same kernel rule applies: a PID 1
without a handler ignores every signal but KILL and STOP. A paused container receives the
signal when it is resumed.

Stopping a container that is not running is a ContainerNotRunning error.
'@
    Parameters   = @{
        Timeout  = 'Seconds to wait after SIGTERM before killing everything in the container''s cgroup. 0 kills at once.'
        Signal   = 'Sends only this signal to PID 1 instead of SIGTERM-then-SIGKILL: a name with or without SIG, in any case (HUP, SIGUSR1, kill), RTMIN+n, or a number 1-64. An unknown name is an InvalidSignal error and no container is touched. -Timeout is not used.'
        PassThru = 'Writes the stopped container (State Exited, with ExitCode) to the pipeline.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'With -PassThru: the stopped container.' }
    Examples     = @(
        @{
            Title   = 'Stop a container by name'
            Code    = 'Stop-MiniContainer web-1'
            Remarks = 'Waits up to 10 seconds for a graceful exit.'
        }
        @{
            Title   = 'Stop everything that runs, quickly'
            Code    = 'Get-MiniContainer -State Running | Stop-MiniContainer -Timeout 2 -PassThru | Select-Object Name, ExitCode'
            Remarks = 'Each container gets two seconds to exit on SIGTERM (143) before it is killed (137).'
        }
        @{
            Title   = 'Send a signal (docker kill -s)'
            Code    = 'Stop-MiniContainer web-1 -Signal HUP'
            Remarks = 'The container''s PID 1 gets SIGHUP (e.g. to reload its configuration) and keeps running if it handles it. -Signal KILL ends it at once with exit code 137.'
        }
    )
    RelatedLinks = @('Start-MiniContainer', 'Remove-MiniContainer', 'New-MiniContainer')
}
