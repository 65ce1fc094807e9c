@{
    Synopsis     = 'Runs a command inside a running container and streams its output into the pipeline (docker exec).'
    Description  = @'
The helper joins every namespace (mount, PID, network, UTS, IPC, cgroup) and the cgroup of the
container's init, forks so the command is a process of the container's PID namespace, and execs
it with only fds 0-2 open and its working directory inside the container. The init is identified
by its PID and start time, so a recycled PID is never joined.

Each line the command writes to stdout is written to the pipeline as a string as it arrives; each
stderr line becomes a non-terminating error (ErrorId ContainerStandardError, target: the
container) that, like a native command's stderr, does not stop a script running with
$ErrorActionPreference = 'Stop'. The command's stdin is at end of file. Its exit code (128+N when
signal N killed it) is in $LASTEXITCODE and, with -PassThru, on an ExecResult written after the
output; a non-zero code is an error (ContainerExitedWithError) only when
$PSNativeCommandUseErrorActionPreference is $true. The rule: about_MiniDocker, STREAMS AND EXIT CODES.

Errors: ContainerNotFound, ContainerNotRunning (created, exited or dead), ContainerPaused,
CommandNotFound, CommandNotExecutable, WorkingDirectoryNotFound, ExecFailed (with the failing
step). Ctrl+C stops waiting at once and kills the command and what it started in its session;
the container keeps running.
'@
    Parameters   = @{
        Command          = 'The program and its arguments. A name without a slash is looked up on the PATH of the command''s environment.'
        Environment      = @{ Description = 'Variables added to the container''s environment (PATH, HOSTNAME, HOME and the container''s own) for this command; a key given here wins.'; Default = 'The container''s environment' }
        WorkingDirectory = @{ Description = 'Absolute path inside the container to run the command in.'; Default = 'The container''s working directory' }
        User             = @{ Description = 'Runs the command as this user: UID, UID:GID, NAME or NAME:GROUP, looked up in the running container''s /etc/passwd and /etc/group (with its supplementary groups). A non-root user gets no effective capabilities, as for the init; HOME follows the user. Errors: UserNotFound, GroupNotFound, InvalidUser.'; Default = 'The container''s user' }
        PassThru         = 'Also writes an ExecResult (ExitCode, StartedAt, FinishedAt, Duration) after the command''s output.'
    }
    Outputs      = @{
        'System.String'        = 'One string per line the command wrote to stdout.'
        'MiniDocker.ExecResult' = 'With -PassThru: how the command ended.'
    }
    Examples     = @(
        @{
            Title   = 'Ask a running container a question'
            Code    = 'Invoke-MiniContainer web cat, /etc/os-release | Select-String ^ID='
            Remarks = 'The output lines are strings, so the usual text cmdlets work on them.'
        }
        @{
            Title   = 'Check an exit code'
            Code    = "Invoke-MiniContainer web sh, -c, 'test -f /run/ready'`nif (`$LASTEXITCODE -ne 0) { 'not ready yet' }"
            Remarks = 'The command''s exit code is in $LASTEXITCODE, like for a native command.'
        }
        @{
            Title   = 'Extra environment, another directory, and the result object'
            Code    = "Invoke-MiniContainer web sh, -c, 'echo `$MODE; pwd' -Environment @{ MODE = 'debug' } -WorkingDirectory /tmp -PassThru"
            Remarks = 'Writes "debug" and "/tmp", then an ExecResult with ExitCode 0.'
        }
        @{
            Title   = 'Stop a strict script when the command fails'
            Code    = "`$ErrorActionPreference = 'Stop'`n`$PSNativeCommandUseErrorActionPreference = `$true`nInvoke-MiniContainer web sh, -c, 'echo warming up >&2; test -f /run/ready'"
            Remarks = 'The stderr line does not stop the script; the non-zero exit code of test does (ContainerExitedWithError), as for a native command.'
        }
    )
    RelatedLinks = @('Enter-MiniContainer', 'Start-MiniContainer', 'Get-MiniContainerLog')
}
