using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// -Network slirp4netns (and -Network pasta where only slirp4netns is installed, <see cref="UserModeNetwork"/>):
    /// the monitor runs slirp4netns against the init's user and network namespaces before releasing it, waits for its
    /// ready byte, and adds each published port through its API socket (add_hostfwd), so a port that cannot be bound
    /// means nothing ran. It holds --exit-fd, so it ends with the monitor, even a killed one; the monitor kills it when
    /// the init is gone, and the engine kills one it still finds. Same layout as pasta: slirp4netns's own.
    /// </summary>
    public static class Slirp4netnsNetwork
    {
        public const string Name = "slirp4netns";
        public const string PidFileName = "slirp4netns.pid";
        public const string Interface = "eth0";

        public static string? Find() => UserModeNetwork.FindTool("slirp4netns");

        /// <summary>
        /// --mtu=65520: its throughput is 9x that of 1500 (slirp4netns's README); --disable-host-loopback: 10.0.2.2
        /// is not the host's 127.0.0.1 (a container must not reach the host's local-only services, as with Podman);
        /// --enable-seccomp: it confines itself, as Podman asks of it.
        /// </summary>
        public const string Options = "--configure --mtu=65520 --disable-host-loopback --enable-seccomp";

        /// <summary>Before anything starts: slirp4netns installed, and the tun device it opens (as this user) usable.</summary>
        public static string Require(Container c)
        {
            string slirp = Find() ?? throw NotInstalled(c);
            if (!PastaNetwork.TunUsable())
                throw new MiniDockerException("TunDeviceUnavailable", FailureKind.PermissionDenied, (p, op) =>
                    $"{p("Network")} slirp4netns needs {PastaNetwork.TunDevice} readable and writable by you (udev makes it mode 0666 on a standard install; here it is not: " +
                    $"ask the administrator for `chmod 0666 {PastaNetwork.TunDevice}`); or use {p("Network")} none.", c);
            return slirp;
        }

        private static MiniDockerException NotInstalled(Container c) =>
            new("Slirp4netnsNotInstalled", FailureKind.NotInstalled, (p, op) =>
                $"{p("Network")} slirp4netns needs slirp4netns (Debian/Ubuntu: `sudo apt-get install slirp4netns`); or use {p("Network")} pasta or none.", c);

        /// <summary>The start failed in slirp4netns (`slirp4netns` step) or in one of its forwards (`hostfwd`).</summary>
        public static MiniDockerException StartFailure(HelperReport r, Container c, string pidFile)
        {
            if (r.Step == Name && r.Errno == 2 /* ENOENT */) return NotInstalled(c);
            if (PastaNetwork.TakenPort(c.Ports) is PortMapping p)
                return new MiniDockerException("PortAlreadyAllocated", FailureKind.ResourceUnavailable,
                    $"Host port {p.Protocol}:{p.HostIp}:{p.HostPort} of container '{c.Name}' is already in use by another program.", c);
            string why = r.Step == "hostfwd" ? $"it refused a published port ({r.Argument})" : PastaNetwork.LastMessage(pidFile) ?? "it gave no reason";
            return new MiniDockerException("Slirp4netnsFailed", FailureKind.InvalidOperation,
                $"slirp4netns could not set up the network of container '{c.Name}': {why}.", c);
        }

        /// <summary>
        /// A slirp4netns whose monitor was killed ends by itself (its exit fd closed); one still found is killed here,
        /// by the pid file the monitor wrote, only if that process is a slirp4netns running in this container's run
        /// directory (a recycled pid is someone else). Waits for its exit: then its host ports are free.
        /// </summary>
        public static void KillLeftover(string runDirectory)
        {
            string pidFile = Path.Combine(runDirectory, PidFileName);
            try
            {
                if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) || pid <= 0) return;
                if (IsOurs(pid, runDirectory))
                {
                    Syscalls.Kill(pid, Syscalls.SIGKILL_);
                    for (int i = 0; i < 500 && ProcessInfo.StartTime(pid) != null; i++) Thread.Sleep(10);
                }
                File.Delete(pidFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }

        private static bool IsOurs(int pid, string runDirectory)
        {
            var argv = ProcessInfo.CommandLine(pid);
            if (argv.Length == 0 || Path.GetFileName(argv[0]) != Name) return false;
            // Its working directory is the run directory (the monitor starts it there): the same inode, whatever the path.
            return Images.LayeredFilesystem.Lstat($"/proc/{pid}/cwd/.") is { } cwd && Images.LayeredFilesystem.Lstat(Path.Combine(runDirectory, ".")) is { } dir
                && cwd.st_dev == dir.st_dev && cwd.st_ino == dir.st_ino;
        }
    }
}
