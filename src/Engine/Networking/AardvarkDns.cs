using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// Name resolution on user networks, run the way netavark runs Debian's aardvark-dns: one config file per
    /// network in one directory (line 1 the gateway to listen on, then `ID IPV4 IPV6 NAMES UPSTREAMS` per
    /// container), one server process for all of them listening on each gateway's port 53, told of every
    /// change by SIGHUP. With no file left it removes its pid file and exits by itself.
    /// -Internal networks get a second server of their own (DIR-internal) started with AARDVARK_NO_PROXY: it
    /// answers its containers' names and NXDOMAIN to everything else, and never sends a query upstream (Docker's
    /// CVE-2024-29018: names asked of the host's resolvers carry data out of a network with no route out).
    /// Debian 12's aardvark-dns 1.4.0 has no per-network "internal" flag, so the whole process must not forward.
    /// </summary>
    public static class AardvarkDns
    {
        public const string PidFile = "aardvark.pid";
        public const int Port = 53;
        public const string InternalSuffix = "-internal";

        /// <summary>Debian/Ubuntu put it in /usr/lib/podman, Fedora in /usr/libexec/podman.</summary>
        public static string? Find() =>
            new[] { "/usr/lib/podman/aardvark-dns", "/usr/libexec/podman/aardvark-dns", "/usr/local/lib/podman/aardvark-dns", "/usr/bin/aardvark-dns" }
                .FirstOrDefault(File.Exists);

        /// <summary>A network's file, or null when none of its containers runs (no file: no server on its gateway).</summary>
        public static string? Config(Network n, IEnumerable<Lease> leases)
        {
            var bound = leases.Where(l => l.Network == n.Name && l.MonitorPid != null && l.Names.Count > 0).OrderBy(l => l.Address, StringComparer.Ordinal).ToList();
            if (bound.Count == 0) return null;
            var sb = new StringBuilder();
            sb.Append(n.Gateway).Append('\n');
            // No IPv6: its column stays empty (the format splits on single spaces). Names are lowercased by aardvark.
            foreach (var l in bound)
            {
                sb.Append(l.ContainerId).Append(' ').Append(l.Address).Append("  ").Append(string.Join(',', l.Names.Select(s => s.ToLowerInvariant()).Distinct()));
                // An internal network has no upstream: none is named, so nothing could be forwarded even by mistake.
                if (l.DnsServers.Count > 0 && !n.Internal) sb.Append(' ').Append(string.Join(',', l.DnsServers));
                sb.Append('\n');
            }
            return sb.ToString();
        }

        /// <summary>
        /// Makes DIR (the forwarding server's: other networks) and DIR-internal (the non-forwarding server's:
        /// -Internal networks) say exactly what the live leases say, then starts each server or signals it to
        /// reload (it exits when no file is left). Caller holds the registry lock, so no two writers race.
        /// An internal network served from DIR before (made or run by an older MiniDocker) moves on this call.
        /// </summary>
        public static void Sync(string dir, IReadOnlyList<Network> networks, IReadOnlyList<Lease> leases)
        {
            var dns = networks.Where(n => n.DnsEnabled).ToList();
            // The forwarding server lets go of a moved network's gateway first, so the other one can bind it.
            var dropped = Sync(dir, dns.Where(n => !n.Internal), leases, forward: true);
            var moved = dns.Where(n => n.Internal && dropped.Contains(n.Name) && Config(n, leases) != null).Select(n => n.Gateway).ToList();
            if (moved.Count > 0) WaitUntil(moved, bound: false);
            Sync(dir + InternalSuffix, dns.Where(n => n.Internal), leases, forward: false);
        }

        /// <summary>One server's directory; returns the files that went away (the server was told, or exits).</summary>
        private static List<string> Sync(string dir, IEnumerable<Network> networks, IReadOnlyList<Lease> leases, bool forward)
        {
            var live = networks.Select(n => (n.Name, n.Gateway, Text: Config(n, leases))).Where(w => w.Text != null).ToList();
            var wanted = live.ToDictionary(w => w.Name, w => w.Text!);
            var dropped = new List<string>();
            if (wanted.Count == 0 && !Directory.Exists(dir)) return dropped;
            Directory.CreateDirectory(dir);
            bool changed = false;
            foreach (var f in Directory.EnumerateFiles(dir))
            {
                string name = Path.GetFileName(f);
                if (name == PidFile || wanted.ContainsKey(name)) continue;
                File.Delete(f);   // a network without running containers, or one removed (and any .tmp a crash left)
                dropped.Add(name);
                changed = true;
            }
            foreach (var (name, text) in wanted)
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path) && File.ReadAllText(path) == text) continue;
                AtomicFile.WriteAllText(path, text);
                changed = true;
            }
            int? pid = RunningPid(dir);
            if (pid is int p)
            {
                if (changed) Syscalls.Kill(p, 1);   // SIGHUP: reread every file; none left: it exits
                return dropped;
            }
            if (wanted.Count == 0) return dropped;
            Start(dir, forward);
            // It returns before it binds: the container that made it start would ask its first name of nobody.
            WaitUntil(live.Select(w => w.Gateway).ToList(), bound: true);
            return dropped;
        }

        /// <summary>
        /// Waits (2 s at most) until UDP port 53 of every one of GATEWAYS is BOUND in this network namespace, or of
        /// none: a server told by SIGHUP drops its sockets a moment later, and a bind before that would fail.
        /// </summary>
        private static void WaitUntil(IReadOnlyList<string> gateways, bool bound)
        {
            // /proc/net/udp shows local addresses as little-endian hex, e.g. 0100590A:0035 for 10.89.0.1:53.
            var wanted = gateways.Select(g => System.Net.IPAddress.Parse(g).GetAddressBytes())
                .Select(b => $"{b[3]:X2}{b[2]:X2}{b[1]:X2}{b[0]:X2}:{Port:X4}").ToHashSet(StringComparer.Ordinal);
            var deadline = DateTime.UtcNow.AddSeconds(2);
            while (DateTime.UtcNow < deadline)
            {
                int count;
                try { count = File.ReadLines("/proc/net/udp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Count(f => f.Length > 1 && wanted.Contains(f[1])); }
                catch (IOException) { return; }
                if (bound ? count >= wanted.Count : count == 0) return;
                System.Threading.Thread.Sleep(20);
            }
        }

        /// <summary>The server of DIR if it runs (its pid file names a live aardvark-dns).</summary>
        public static int? RunningPid(string dir)
        {
            try
            {
                if (!int.TryParse(File.ReadAllText(Path.Combine(dir, PidFile)).Trim(), out int pid)) return null;
                return File.ReadAllText($"/proc/{pid}/comm").Trim() == "aardvark-dns" ? pid : null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        private static void Start(string dir, bool forward)
        {
            string exe = Find() ?? throw NotInstalled();
            File.Delete(Path.Combine(dir, PidFile));
            var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
            // aardvark-dns 1.4 (Debian 12) to 2.0 read it: never forward, answer NXDOMAIN to what it does not know.
            if (!forward) psi.Environment["AARDVARK_NO_PROXY"] = "1";
            foreach (var a in new[] { "--config", dir, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "run" }) psi.ArgumentList.Add(a);
            // It forks a daemon and returns once that has written its pid file and is about to bind.
            using var proc = Process.Start(psi) ?? throw new Win32Exception("aardvark-dns did not start");
            proc.StandardInput.Close();
            string err = proc.StandardError.ReadToEnd();
            proc.StandardOutput.ReadToEnd();
            proc.WaitForExit();
            if (proc.ExitCode != 0 || RunningPid(dir) == null)
                throw new MiniDockerException("DnsServerFailed", FailureKind.InvalidOperation,
                    $"aardvark-dns did not start (exit {proc.ExitCode}): {err.Replace("failed to connect to syslog: Initialization", "").Trim()}", dir);
        }

        public static MiniDockerException NotInstalled() =>
            new("AardvarkDnsNotInstalled", FailureKind.NotInstalled,
                "Name resolution on this network needs aardvark-dns: install it (Debian/Ubuntu: apt-get install aardvark-dns).", "aardvark-dns");
    }
}
