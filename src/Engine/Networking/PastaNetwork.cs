using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// -Network pasta: a rootless container's user-mode network, served by pasta (Debian's passt package) the way
    /// Podman does it. The monitor runs pasta against the init's user and network namespaces before releasing it
    /// (so the network is up when the command starts) and kills it when the init is gone; the engine kills one a
    /// killed monitor left behind. Outbound TCP/UDP leaves through the host's sockets; -Publish binds the host port in
    /// pasta, which forwards it into the container. The slirp4netns layout, so the address is known in advance.
    /// </summary>
    public static class PastaNetwork
    {
        public const string Name = "pasta";
        public const string Address = "10.0.2.100", Gateway = "10.0.2.2", Dns = "10.0.2.3";
        public const string PidFileName = "pasta.pid";
        internal const string TunDevice = "/dev/net/tun";

        public static string? Find() => UserModeNetwork.FindTool("pasta");

        /// <summary>
        /// What pasta is told. --no-map-gw: the gateway is not the host's loopback (a container must not reach the
        /// host's local-only services, as with Podman); -T/-U none: nothing of the container's loopback is forwarded
        /// back; no -t/-u auto (polling /proc/net every second): only the published ports.
        /// </summary>
        public static string Options(IReadOnlyList<PortMapping> ports)
        {
            var words = new List<string> { "--config-net", "--quiet", "-a", Address, "-n", "24", "-g", Gateway, "--dns-forward", Dns, "--no-map-gw", "-T", "none", "-U", "none" };
            foreach (var proto in new[] { "tcp", "udp" })
            {
                var mine = ports.Where(p => p.Protocol == proto).ToList();
                string flag = proto == "tcp" ? "-t" : "-u";
                if (mine.Count == 0) words.AddRange(new[] { flag, "none" });
                foreach (var p in mine)
                    words.AddRange(new[] { flag, (p.HostIp is "0.0.0.0" or "" ? "" : p.HostIp + "/") + $"{p.HostPort}:{p.ContainerPort}" });
            }
            return string.Join(' ', words);
        }

        /// <summary>Before anything starts: pasta installed, and the tun device it opens (as this user) usable.</summary>
        public static string Require(Container c)
        {
            string pasta = Find() ?? throw new MiniDockerException("PastaNotInstalled", FailureKind.NotInstalled, (p, op) =>
                $"{p("Network")} pasta needs pasta from the passt package (Debian/Ubuntu: `sudo apt-get install passt`); or install slirp4netns " +
                $"and make the container again ({op("CreateContainer")} uses slirp4netns where pasta is missing); or use {p("Network")} none.", c);
            if (!TunUsable())
                throw new MiniDockerException("TunDeviceUnavailable", FailureKind.PermissionDenied, (p, op) =>
                    $"{p("Network")} pasta needs {TunDevice} readable and writable by you (udev makes it mode 0666 on a standard install; here it is not: " +
                    $"ask the administrator for `chmod 0666 {TunDevice}`); or use {p("Network")} none.", c);
            return pasta;
        }

        /// <summary>
        /// The start failed in pasta (it says why only on its stderr, which nobody reads): a published port taken by
        /// another program is the usual cause, and the one the kernel can confirm now that pasta is gone.
        /// </summary>
        public static MiniDockerException StartFailure(HelperReport r, Container c, string? pidFile)
        {
            if (r.Errno == 2 /* ENOENT */)
                return new MiniDockerException("PastaNotInstalled", FailureKind.NotInstalled, $"pasta ({r.Argument}) could not be run for container '{c.Name}': install the passt package.", c);
            if (TakenPort(c.Ports) is PortMapping p)
                return new MiniDockerException("PortAlreadyAllocated", FailureKind.ResourceUnavailable,
                    $"Host port {p.Protocol}:{p.HostIp}:{p.HostPort} of container '{c.Name}' is already in use by another program.", c);
            return new MiniDockerException("PastaFailed", FailureKind.InvalidOperation,
                $"pasta could not set up the network of container '{c.Name}': {LastMessage(pidFile) ?? "it gave no reason"}.", c);
        }

        /// <summary>pasta's last line in PIDFILE.log (the monitor sends its stderr there), without the syslog noise.</summary>
        internal static string? LastMessage(string? pidFile)
        {
            try
            {
                return pidFile == null || !File.Exists(pidFile + ".log") ? null
                    : File.ReadAllLines(pidFile + ".log").Where(l => l.Trim().Length > 0 && !l.Contains("syslog", StringComparison.Ordinal)).LastOrDefault()?.Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }

        /// <summary>The first of PORTS another program holds now (the kernel refuses to bind it), or null.</summary>
        internal static PortMapping? TakenPort(IEnumerable<PortMapping> ports) => ports.FirstOrDefault(PortTaken);

        /// <summary>/dev/net/tun readable and writable by this user: pasta and slirp4netns open it as the user.</summary>
        internal static bool TunUsable() => Access(TunDevice, 6 /* R_OK | W_OK */) == 0;

        private static bool PortTaken(PortMapping p)
        {
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, p.Protocol == "udp" ? SocketType.Dgram : SocketType.Stream, p.Protocol == "udp" ? ProtocolType.Udp : ProtocolType.Tcp);
                s.Bind(new IPEndPoint(IPAddress.Parse(p.HostIp is "" ? "0.0.0.0" : p.HostIp), p.HostPort));
                return false;
            }
            catch (SocketException e) { return e.SocketErrorCode == SocketError.AddressAlreadyInUse; }
        }

        /// <summary>
        /// A pasta whose monitor was killed outlives the container (it holds the namespace open): killed here, by the pid
        /// file it wrote, only if that process still names this container's pid file (a recycled pid is someone else).
        /// </summary>
        public static void KillLeftover(string runDirectory)
        {
            string pidFile = Path.Combine(runDirectory, PidFileName);
            try
            {
                if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) || pid <= 0) return;
                if (ProcessInfo.CommandLine(pid).Contains(pidFile))
                {
                    Syscalls.Kill(pid, Syscalls.SIGKILL_);
                    // SIGKILL only queues the death: its ports are free once it has exited (a zombie holds no
                    // socket), and the caller is about to report the container stopped.
                    for (int i = 0; i < 500 && ProcessInfo.StartTime(pid) != null; i++) Thread.Sleep(10);
                }
                File.Delete(pidFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }

        [DllImport("libc", EntryPoint = "access", SetLastError = true)] private static extern int Access(string path, int mode);
    }
}
