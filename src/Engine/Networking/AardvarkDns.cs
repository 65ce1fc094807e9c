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
    /// </summary>
    public static class AardvarkDns
    {
        public const string PidFile = "aardvark.pid";
        public const int Port = 53;

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
                if (l.DnsServers.Count > 0) sb.Append(' ').Append(string.Join(',', l.DnsServers));
                sb.Append('\n');
            }
            return sb.ToString();
        }

        /// <summary>
        /// Makes DIR say exactly what the live leases say, then starts the server or signals it to reload (it
        /// exits when no file is left). Caller holds the registry lock, so no two writers race on DIR.
        /// </summary>
        public static void Sync(string dir, IReadOnlyList<Network> networks, IReadOnlyList<Lease> leases)
        {
            var wanted = networks.Where(n => n.DnsEnabled).Select(n => (n.Name, Text: Config(n, leases))).Where(w => w.Text != null).ToDictionary(w => w.Name, w => w.Text!);
            if (wanted.Count == 0 && !Directory.Exists(dir)) return;
            Directory.CreateDirectory(dir);
            bool changed = false;
            foreach (var f in Directory.EnumerateFiles(dir))
            {
                string name = Path.GetFileName(f);
                if (name == PidFile || wanted.ContainsKey(name)) continue;
                File.Delete(f);   // a network without running containers, or one removed (and any .tmp a crash left)
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
                return;
            }
            if (wanted.Count > 0) Start(dir);
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

        private static void Start(string dir)
        {
            string exe = Find() ?? throw NotInstalled();
            File.Delete(Path.Combine(dir, PidFile));
            var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
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
