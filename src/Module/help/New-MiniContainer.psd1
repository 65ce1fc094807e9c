@{
    Synopsis     = 'Creates a container from a root filesystem folder; nothing runs until Start-MiniContainer.'
    Description  = @'
New-MiniContainer checks everything it can up front and records a container in the state store
in the Created state. The root filesystem folder must exist and must hold the command: the
first element of -Command is looked up inside the folder the way execvp would (as given when it
contains a '/', otherwise on the container's PATH, following absolute symlinks such as
/bin/sh -> /bin/busybox inside the folder). Bad input is a terminating error with a specific
ErrorId (RootFsNotFound, CommandNotFound, EmptyCommand, InvalidContainerName,
ContainerNameInUse, InvalidHostname, InvalidEnvironment, InvalidWorkingDirectory) and leaves
nothing behind.

The folder is never written to: when the container starts, it becomes the read-only lower
layer of an overlay and the container writes into its own upper layer, which
Remove-MiniContainer deletes. Many containers can share one folder.

When it runs, the container gets new PID, mount, UTS, IPC and network namespaces (only lo,
which is up), a fresh /proc, a minimal /dev, a read-only /sys, its own cgroup (pids limited to
4096 by default) and the environment PATH, HOSTNAME and HOME=/root plus -Environment.
'@
    Parameters   = @{
        RootFs           = @'
The root filesystem folder: a directory laid out like /, e.g. an extracted Alpine minirootfs or
the busybox folder build.ps1 makes in out/rootfs. A relative path is resolved against the current
location.
'@
        Command          = @'
The program and its arguments, one array element each (no shell parsing): sh,-c,'echo hi'.
The program must exist and be executable in the root filesystem (CommandNotFound otherwise).
It runs as PID 1 of the container unless -Init is given.
'@
        Name             = @'
A name for the container: 1-128 letters, digits, '_', '.' or '-', starting with a letter or
digit, unique among existing containers. By default a free adjective_noun name such as
happy_otter is chosen.
'@
        Hostname         = 'The hostname inside the container (1-63 letters, digits, ''.'' or ''-''). By default, the container''s ShortId.'
        Environment      = @'
Environment variables for the command, as a hashtable. They are added to the defaults
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin, HOSTNAME and HOME=/root and
override them; a PATH given here is also used to find the command.
'@
        WorkingDirectory = 'The working directory of the command: an absolute path inside the container. Default: /. A directory missing in the root filesystem makes Start-MiniContainer fail with WorkingDirectoryNotFound.'
        Init             = @'
Runs a small init (mdhelper) as PID 1 that starts the command as its child, forwards signals to
it and reaps orphaned processes. Without it the command is PID 1, and the kernel drops signals
PID 1 has no handler for: a plain 'sleep' ignores Stop-MiniContainer's SIGTERM and is killed
after the timeout (exit code 137); with -Init it dies of SIGTERM (exit code 143).
'@
    }
    Outputs      = @{ 'MiniDocker.Container' = 'The new container, in the Created state.' }
    Examples     = @(
        @{
            Title   = 'Create and run a container'
            Code    = @'
New-MiniContainer ./out/rootfs sh, -c, 'hostname; ps' -Hostname hello | Start-MiniContainer -Wait
'@
            Remarks = 'Creates a container from the rootfs folder, starts it and streams its output. The shell sees the hostname hello and only its own processes, itself as PID 1.'
        }
        @{
            Title   = 'Name, environment and working directory'
            Code    = @'
$c = New-MiniContainer -RootFs ./out/rootfs -Command sh, -c, 'echo "$GREETING from $(pwd)"' `
        -Name greeter -Environment @{ GREETING = 'hello' } -WorkingDirectory /tmp
$c | Start-MiniContainer -Wait
$c | Remove-MiniContainer
'@
            Remarks = 'Prints "hello from /tmp". The container keeps its name until it is removed; a second New-MiniContainer -Name greeter fails with ContainerNameInUse.'
        }
        @{
            Title   = 'A long-running service that stops cleanly'
            Code    = @'
New-MiniContainer ./out/rootfs sleep, 3600 -Name sleeper -Init | Start-MiniContainer
Stop-MiniContainer sleeper -PassThru | Select-Object Name, State, ExitCode
'@
            Remarks = 'With -Init the SIGTERM from Stop-MiniContainer reaches sleep at once: ExitCode is 143 (128 + SIGTERM).'
        }
    )
    Notes        = @'
Needs root. State is kept under $env:MINIDOCKER_ROOT (default /var/lib/minidocker); the
container's cgroup is created at start under $env:MINIDOCKER_CGROUP_PARENT (a relative path is
nested under the caller's own cgroup; default 'minidocker').
'@
    RelatedLinks = @('Start-MiniContainer', 'Get-MiniContainer', 'Remove-MiniContainer')
}
