using System;
using System.Runtime.InteropServices;

namespace MiniDocker.Engine.Launch
{
    /// <summary>Which helper mode failed: the error names differ only where nothing more specific is known.</summary>
    public enum HelperMode { Run, Exec }

    /// <summary>
    /// The one reading of a failed helper step, for run and exec alike: (step, errno) becomes a specific
    /// error about container C. WHERE names the filesystem the command was looked up in ("image
    /// alpine:latest", "container 'web'"); USER is who ran it; EXPLAINEXEC, if given, may look at the
    /// command's file for a more precise reason than execve's errno.
    /// </summary>
    public static class HelperFailure
    {
        private const int EPERM = 1, ENOENT = 2, ENOEXEC = 8, EACCES = 13, ENOTDIR = 20, ELOOP = 40, EOPNOTSUPP = 95, EADDRINUSE = 98;

        public static MiniDockerException ToException(HelperReport r, Container c, HelperMode mode, string where, string? user, Func<MiniDockerException?>? explainExec = null)
        {
            string cause = r.Errno != 0 ? Marshal.GetPInvokeErrorMessage(r.Errno) : "failed";
            return (r.Step, r.Errno) switch
            {
                // execve says ENOENT for a missing #! interpreter or ELF loader too: look at the file.
                ("exec", ENOENT or EACCES or ENOEXEC) when explainExec?.Invoke() is { } p => p,
                ("exec", ENOENT) => new MiniDockerException("CommandNotFound", FailureKind.ObjectNotFound,
                    $"Command '{r.Argument}' not found in {where}.", c),
                ("exec", EACCES) => new MiniDockerException("CommandNotExecutable", FailureKind.PermissionDenied,
                    $"Command '{r.Argument}' in {where} is not executable.", c),
                ("cwd", ENOENT or ENOTDIR) => new MiniDockerException("WorkingDirectoryNotFound", FailureKind.ObjectNotFound,
                    $"Working directory '{r.Argument}' does not exist in container '{c.Name}'.", c),
                ("cwd", EACCES) => new MiniDockerException("WorkingDirectoryNotAccessible", FailureKind.PermissionDenied,
                    $"User '{user}' may not enter working directory '{r.Argument}' in container '{c.Name}'.", c),
                ("mount" or "mkdir" or "mknod" or "symlink", ENOENT or ENOTDIR or ELOOP) when r.Argument.StartsWith("rootfs/", StringComparison.Ordinal) =>
                    new MiniDockerException("RootFsPathUnusable", FailureKind.InvalidOperation,
                        $"The {where} has a /{r.Argument.Substring(7)} that does not resolve to a usable path inside it (e.g. a symlink pointing outside); fix the image.", c),
                ("publish", EADDRINUSE) => new MiniDockerException("PortAlreadyAllocated", FailureKind.ResourceUnavailable,
                    $"Host port {r.Argument} of container '{c.Name}' is already in use by another program.", c),
                ("bridge" or "veth", EOPNOTSUPP) => new MiniDockerException("BridgeNotSupported", FailureKind.NotInstalled,
                    (p, op) => $"The kernel cannot make a {r.Step} ({r.Argument}): the bridge/veth modules are missing (a custom WSL kernel lacks them); use {p("Network")} none or host.", c),
                ("rlimit", EPERM) => new MiniDockerException("UlimitNotPermitted", FailureKind.PermissionDenied,
                    (p, op) => $"Container '{c.Name}' asks for a hard resource limit above the engine's own, which needs CAP_SYS_RESOURCE; lower {p("Ulimits")}.", c),
                ("tty", _) => new MiniDockerException("TerminalUnavailable", FailureKind.ResourceUnavailable,
                    $"Could not open a terminal in container '{c.Name}' ({r.Argument}): {cause}.", c),
                _ when mode == HelperMode.Exec => new MiniDockerException("ExecFailed", FailureKind.InvalidOperation,
                    $"Running a command in container '{c.Name}' failed at step '{r.Step}' ({r.Argument}): {cause}.", c),
                _ => new MiniDockerException("ContainerStartFailed", FailureKind.InvalidOperation,
                    $"Container '{c.Name}' failed to start at step '{r.Step}' ({r.Argument}): {cause}.", c),
            };
        }
    }
}
