using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace MiniDocker.Engine.Networking
{
    /// <summary>/etc/hosts, /etc/hostname and /etc/resolv.conf made per container (bind-mounted by the plan), as Docker makes them.</summary>
    public static class ContainerEtcFiles
    {
        public static void Write(string dir, Container c, string? address, bool bridged, string hostResolvConf = "/etc/resolv.conf")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "hostname"), c.Hostname + "\n");
            File.WriteAllText(Path.Combine(dir, "hosts"), Hosts(c, address));
            File.WriteAllText(Path.Combine(dir, "resolv.conf"), ResolvConf(c.Dns, bridged, hostResolvConf));
        }

        public static string Hosts(Container c, string? address)
        {
            var sb = new StringBuilder();
            sb.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
            sb.Append("fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
            var names = new[] { c.Hostname, c.Name }.Where(n => n.Length > 0).Distinct();
            sb.Append(address ?? "127.0.1.1").Append('\t').Append(string.Join(' ', names)).Append('\n');
            foreach (var h in c.ExtraHosts)
            {
                int colon = h.IndexOf(':');
                sb.Append(h.Substring(colon + 1)).Append('\t').Append(h.Substring(0, colon)).Append('\n');
            }
            return sb.ToString();
        }

        /// <summary>
        /// The host's resolv.conf; systemd-resolved's 127.0.0.53 stub becomes its real upstreams. Loopback
        /// servers cannot be reached from a bridge: dropped there (Docker then falls back to Google's DNS).
        /// -Dns replaces the servers.
        /// </summary>
        public static string ResolvConf(IReadOnlyList<string> dns, bool bridged, string hostPath = "/etc/resolv.conf",
            string resolvedPath = "/run/systemd/resolve/resolv.conf")
        {
            var lines = File.Exists(hostPath) ? File.ReadAllLines(hostPath).ToList() : new List<string>();
            var servers = Servers(lines);
            if (servers.Count > 0 && servers.All(s => s == "127.0.0.53") && File.Exists(resolvedPath))
            {
                lines = File.ReadAllLines(resolvedPath).ToList();
                servers = Servers(lines);
            }
            var others = lines.Where(l => !l.TrimStart().StartsWith("nameserver") && !l.TrimStart().StartsWith('#') && l.Trim().Length > 0);
            if (dns.Count > 0) servers = dns.ToList();
            else if (bridged)
            {
                servers = servers.Where(s => !s.StartsWith("127.") && s != "::1").ToList();
                if (servers.Count == 0) servers = new List<string> { "8.8.8.8", "8.8.4.4" };
            }
            var sb = new StringBuilder();
            foreach (var s in servers) sb.Append("nameserver ").Append(s).Append('\n');
            foreach (var l in others) sb.Append(l.Trim()).Append('\n');
            return sb.ToString();
        }

        /// <summary>
        /// A DNS network's resolv.conf: the network's own server (aardvark-dns on the gateway) only; what the
        /// container would have used otherwise (-Dns or the host's) becomes that server's upstreams for it.
        /// </summary>
        public static (string ResolvConf, List<string> Upstreams) ForNetworkDns(IReadOnlyList<string> dns, string gateway, string hostPath = "/etc/resolv.conf")
        {
            // The server runs in the host's namespace, where its loopback servers (a local stub) are reachable.
            var lines = ResolvConf(dns, bridged: false, hostPath).Split('\n').Where(l => l.Length > 0).ToList();
            var upstreams = Servers(lines).Where(s => System.Net.IPAddress.TryParse(s, out _)).ToList();
            var sb = new StringBuilder();
            sb.Append("nameserver ").Append(gateway).Append('\n');
            foreach (var l in lines.Where(l => !l.StartsWith("nameserver"))) sb.Append(l).Append('\n');
            return (sb.ToString(), upstreams);
        }

        private static List<string> Servers(IEnumerable<string> lines) =>
            lines.Select(l => l.Trim().Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length >= 2 && f[0] == "nameserver").Select(f => f[1]).ToList();
    }
}
