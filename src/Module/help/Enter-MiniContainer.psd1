@{
    Synopsis     = 'Opens an interactive shell inside a running container on a new terminal (docker exec -it).'
    Description  = @'
The helper joins the container's namespaces and cgroup like Invoke-MiniContainer, opens a new pty
on the container's own devpts, and runs the command with that pty as its controlling terminal.
Your terminal is put into raw mode and relayed to the pty: keys, Ctrl+C and Ctrl+Z go to the
program inside, window size changes follow. When the program exits (type exit in the shell),
your terminal settings are restored and you are back at the pwsh prompt; the exit code is in
$LASTEXITCODE (an error only with $PSNativeCommandUseErrorActionPreference = $true; see
about_MiniDocker, STREAMS AND EXIT CODES).

Needs an interactive terminal: when input or output is redirected the cmdlet fails with the
error NoTerminal (use Invoke-MiniContainer instead). Errors otherwise as for
Invoke-MiniContainer, plus TerminalUnavailable when no pty can be opened in the container.
TERM is set to xterm unless the container or -Environment sets it.
'@
    Parameters   = @{
        Command          = @{ Description = 'The program to run and its arguments.'; Default = '/bin/sh' }
        Environment      = @{ Description = 'Variables added to the container''s environment for this session.'; Default = 'The container''s environment' }
        WorkingDirectory = @{ Description = 'Absolute path inside the container to start in.'; Default = 'The container''s working directory' }
        User             = @{ Description = 'Runs the command as this user: UID, UID:GID, NAME or NAME:GROUP, looked up in the running container''s /etc/passwd and /etc/group (with its supplementary groups). A non-root user gets no effective capabilities, as for the init; HOME follows the user. Errors: UserNotFound, GroupNotFound, InvalidUser.'; Default = 'The container''s user' }
        PassThru         = 'Writes an ExecResult (ExitCode, StartedAt, FinishedAt, Duration) when the session ends.'
    }
    Outputs      = @{ 'MiniDocker.ExecResult' = 'With -PassThru: how the session ended.' }
    Examples     = @(
        @{
            Title   = 'A shell inside a running container'
            Code    = 'Enter-MiniContainer web'
            Remarks = 'Runs /bin/sh in the container; type exit to come back.'
        }
        @{
            Title   = 'Another program, in another directory'
            Code    = 'Enter-MiniContainer web -Command top -WorkingDirectory /tmp'
            Remarks = 'Full-screen programs work: the pty follows your window size.'
        }
    )
    RelatedLinks = @('Invoke-MiniContainer', 'Start-MiniContainer')
}
