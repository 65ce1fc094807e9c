@{
    Synopsis     = 'Starts containers, detached by default; -Wait streams their output and sets $LASTEXITCODE.'
    Description  = @'
Start-MiniContainer mounts the container's overlay root filesystem, creates its cgroup with its
limits and launches it through mdhelper, which stays behind as the container's monitor: it
relays stdout and stderr into the container's log and records the exit status. The container
is not a child of pwsh, so it keeps running after the session ends; any later session finds it
with Get-MiniContainer.

By default the cmdlet returns as soon as the command has been executed inside the container,
writing nothing (use -PassThru for the container object). With -Wait it attaches to the monitor
(the attach socket in the container's run directory) and streams every byte the container
writes, in order, losslessly: when this session reads more slowly than the container writes, the
container waits (it is not the capped log that is re-read, so a log rotation loses nothing here).
Standard output comes line by line as strings; the order across stdout and stderr is the order
the monitor read them (writes to both within a few microseconds may come stdout first). When the
container exits, $LASTEXITCODE is its exit code (128+N when a signal N killed it). Ctrl+C stops
waiting; the container keeps running.

Errors follow the rule for native commands (pwsh 7.2+). Each standard error line is an error
record (a RemoteException with the line as its message, ErrorId ContainerStandardError, the
container as target) written to the error stream the way pwsh writes a native command's stderr:
it does not take part in $ErrorActionPreference, so a script running with
$ErrorActionPreference = 'Stop' is not stopped by it and the wait goes on to the end. Redirect
it like native stderr: 2>$null drops it, 2>&1 merges it into the output in order, 2>file writes
it to a file. A non-zero exit code is an error only when $PSNativeCommandUseErrorActionPreference
is $true: then it is written as ContainerExitedWithError, which $ErrorActionPreference = 'Stop'
turns into a terminating error, as for a native command that fails.

With -Interactive (like docker run -it) the container's init gets a new pty of the container's
own devpts as its controlling terminal and standard input, output and error, and the monitor
stays in the foreground relaying this terminal to it in raw mode (window size follows,
Ctrl+C goes to the container) until the init exits; then the terminal is restored as it was and
$LASTEXITCODE is the exit code. What the pty prints also goes to the container's log. It needs
an interactive terminal (NoTerminal otherwise), starts one container per invocation, and always
waits (-Wait:$false is refused with InteractiveAlwaysWaits). Attaching to a running container
later is not supported: to follow a detached container's output, start it with -Wait, or use
Get-MiniContainerLog -Follow; Enter-MiniContainer opens another shell inside it.

Starting a container that is Exited or Dead runs it again with the same upper layer, so files it
wrote remain. Failures are errors about the container: ContainerAlreadyRunning,
RootFsNotFound, VolumeSourceNotFound (a -Volume source deleted since creation), CommandNotFound,
CommandNotExecutable, CommandInterpreterNotFound, WorkingDirectoryNotFound, HelperNotExecutable
(the installed helper lost its execute bit and it could not be restored), ContainerStartFailed
(naming the launch step and the errno) or, with -Wait, AttachFailed (the output could not be
attached, and the start was undone). A failed start leaves no cgroup and no run directory behind.
'@
    Parameters   = @{
        Wait     = 'Attaches to the container''s monitor and waits for the container to exit, streaming every line of its stdout to the pipeline and its stderr to the error stream (like a native command''s: not stopped by $ErrorActionPreference = ''Stop''), then sets $LASTEXITCODE to the exit code. Nothing is lost: a slow reader makes the container wait. Alias: -Attach (docker start -a). To follow a container that is already running, use Get-MiniContainerLog -Follow.'
        Interactive = 'Relays this terminal to the container''s init on a new pty (raw mode, window size, Ctrl+C to the container) until it exits, then restores the terminal and sets $LASTEXITCODE. Implies waiting; needs an interactive terminal.'
        PassThru = 'Writes the container to the pipeline: right after the start (Running), or with -Wait or -Interactive after it exited (with ExitCode and OomKilled).'
    }
    Outputs      = @{
        'MiniDocker.Container' = 'With -PassThru.'
        'System.String'        = 'With -Wait: each line the container writes to standard output.'
    }
    Examples     = @(
        @{
            Title   = 'Run to completion and check the exit code'
            Code    = @'
New-MiniContainer ./out/rootfs sh, -c, 'echo hi; exit 3' -Name once | Start-MiniContainer -Wait
$LASTEXITCODE
'@
            Remarks = 'Writes "hi" and then 3.'
        }
        @{
            Title   = 'Start detached and look later'
            Code    = @'
$c = New-MiniContainer ./out/rootfs sh, -c, 'for i in 1 2 3; do echo tick $i; sleep 1; done' | Start-MiniContainer -PassThru
$c.State                                        # Running
Wait-MiniContainer -InputObject $c | Out-Null
Get-MiniContainerLog -InputObject $c
'@
            Remarks = 'The prompt returns at once; the container runs under its monitor. Its output is in the log.'
        }
        @{
            Title   = 'An interactive shell as the container''s init'
            Code    = @'
New-MiniContainer ./out/rootfs sh -Name box -Hostname box | Start-MiniContainer -Interactive
$LASTEXITCODE
'@
            Remarks = 'A shell prompt inside the container (hostname box, the shell is PID 1); "exit 3" returns to pwsh with the terminal as it was, and $LASTEXITCODE is 3.'
        }
        @{
            Title   = 'Capture stdout and stderr'
            Code    = @'
$out = Start-MiniContainer -Name job -Wait 2>$null
'@
            Remarks = 'Standard output lines are pipeline output; standard error lines are error records, redirected here to $null (2>&1 merges them).'
        }
        @{
            Title   = 'Stderr does not stop a strict script; a failed exit code can'
            Code    = @'
$ErrorActionPreference = 'Stop'
Start-MiniContainer -Name job -Wait 2>&1 | Tee-Object -Variable all   # stderr lines are kept, in order
if ($LASTEXITCODE) { "job failed: $LASTEXITCODE" }
$PSNativeCommandUseErrorActionPreference = $true
Start-MiniContainer -Name job -Wait      # now a non-zero exit throws ContainerExitedWithError
'@
            Remarks = 'As with a native command: the container''s stderr never ends the script; the exit code does only when $PSNativeCommandUseErrorActionPreference is $true.'
        }
    )
    Notes        = 'Needs root. The monitor (mdhelper) is found next to the module or at $env:MINIDOCKER_HELPER.'
    RelatedLinks = @('New-MiniContainer', 'Wait-MiniContainer', 'Get-MiniContainerLog', 'Stop-MiniContainer')
}
