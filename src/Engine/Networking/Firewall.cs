using System.Globalization;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// The one nftables table MiniDocker owns, `inet minidocker`, rebuilt whole from the networks and live
    /// leases in one atomic `nft -f -` batch (netavark's rules): no rule handles to track, and a crash or an
    /// `nft flush ruleset` is repaired by applying again.
    /// </summary>
    public static class Firewall
    {
        public const string Table = "inet minidocker";
        /// <summary>Marks a connection to a published port that must be masqueraded (from 127.0.0.1 or hairpin).</summary>
        private const string MasqueradeMark = "0x2000";

        /// <summary>
        /// The whole table. Traffic for the host itself goes to the published ports: `fib daddr type local`
        /// where the kernel has nft_fib; else (LOCALADDRESSES given: some WSL 6.6 kernels) the host's addresses
        /// listed, which a later address change makes stale until the next rebuild.
        /// </summary>
        public static string Build(IReadOnlyList<Network> networks, IReadOnlyList<Lease> leases, IReadOnlyList<string>? localAddresses = null)
        {
            var sb = new StringBuilder();
            // Declaring it first makes the delete succeed when it does not exist yet.
            sb.AppendLine(CultureInfo.InvariantCulture, $"table {Table} {{}}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"delete table {Table}");
            var active = networks.Where(n => Ipv4Subnet.TryParse(n.Subnet) != null).ToList();
            if (active.Count == 0) return sb.ToString();
            var subnets = active.ToDictionary(n => n.Name, n => n.Subnet);
            sb.AppendLine(CultureInfo.InvariantCulture, $"table {Table} {{");
            sb.AppendLine("  chain hostports {");
            foreach (var l in leases.Where(l => subnets.ContainsKey(l.Network)))
                foreach (var p in l.Ports)
                {
                    string daddr = p.HostIp == "0.0.0.0" ? "" : $"ip daddr {p.HostIp} ";
                    string sources = string.Join(", ", new[] { "127.0.0.0/8" }.Concat(active.Where(n => !n.Internal).Select(n => n.Subnet)));
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    ip saddr {{ {sources} }} {daddr}{p.Protocol} dport {p.HostPort} meta mark set meta mark | {MasqueradeMark}");
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    {daddr}{p.Protocol} dport {p.HostPort} dnat ip to {l.Address}:{p.ContainerPort}");
                }
            sb.AppendLine("  }");
            string local = localAddresses == null
                ? "fib daddr type local"
                : $"ip daddr {{ {string.Join(", ", new[] { "127.0.0.0/8" }.Concat(localAddresses.Where(a => !a.StartsWith("127.", System.StringComparison.Ordinal))).Concat(active.Select(n => n.Gateway)).Distinct())} }}";
            sb.AppendLine(CultureInfo.InvariantCulture, $"  chain prerouting {{\n    type nat hook prerouting priority dstnat; policy accept;\n    {local} jump hostports\n  }}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"  chain output {{\n    type nat hook output priority -100; policy accept;\n    {local} jump hostports\n  }}");
            sb.AppendLine("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;");
            sb.AppendLine(CultureInfo.InvariantCulture, $"    meta mark & {MasqueradeMark} == {MasqueradeMark} masquerade");
            foreach (var n in active.Where(n => !n.Internal))
                sb.AppendLine(CultureInfo.InvariantCulture, $"    ip saddr {n.Subnet} ip daddr != {n.Subnet} masquerade");
            sb.AppendLine("  }");
            sb.AppendLine("  chain forward {\n    type filter hook forward priority filter; policy accept;");
            foreach (var n in active)
            {
                // Networks are isolated from each other; an internal one from everything off its bridge.
                if (n.Internal)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    iifname \"{n.Bridge}\" oifname != \"{n.Bridge}\" drop");
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    oifname \"{n.Bridge}\" iifname != \"{n.Bridge}\" drop");
                }
                foreach (var other in active.Where(o => o != n))
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    iifname \"{n.Bridge}\" oifname \"{other.Bridge}\" drop");
            }
            sb.AppendLine("  }");
            var sealedNets = active.Where(n => n.Internal).ToList();
            if (sealedNets.Count > 0)
            {
                // The host is off the bridge too: an internal container gets ping and its network's DNS server on the
                // gateway, replies to what the host opened, and nothing else (no host service, no other network's server).
                sb.AppendLine("  chain input {\n    type filter hook input priority filter; policy accept;");
                foreach (var n in sealedNets)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    iifname \"{n.Bridge}\" ct state established,related accept");
                    if (n.DnsEnabled) sb.AppendLine(CultureInfo.InvariantCulture, $"    iifname \"{n.Bridge}\" ip daddr {n.Gateway} udp dport 53 accept");
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    iifname \"{n.Bridge}\" ip daddr {n.Gateway} icmp type echo-request accept");
                    sb.AppendLine(CultureInfo.InvariantCulture, $"    iifname \"{n.Bridge}\" drop");
                }
                sb.AppendLine("  }");
            }
            sb.AppendLine("}");
            return sb.ToString();
        }

        /// <summary>The host's own IPv4 addresses (this network namespace), for the rules without fib.</summary>
        public static IReadOnlyList<string> LocalAddresses() =>
            System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Where(a => a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                .Select(a => a.Address.ToString()).Distinct().ToList();

        /// <summary>The nft binary; checked before a bridge container starts, so a missing one fails early and cleanly.</summary>
        public static string RequireNft() =>
            new[] { "/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft" }.FirstOrDefault(File.Exists)
            ?? throw new MiniDockerException("NftablesNotInstalled", FailureKind.NotInstalled,
                (p, op) => $"Bridge networks (the default) need nftables: install it (Debian/Ubuntu: apt-get install nftables), or use {p("Network")} none.", "nft");

        /// <summary>Applies SCRIPT atomically (nft runs a file as one transaction). Caller holds the registry lock.</summary>
        public static void Apply(string script)
        {
            string nft = RequireNft();
            var psi = new ProcessStartInfo(nft) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("-f");
            psi.ArgumentList.Add("-");
            psi.Environment.Clear();
            using var p = Process.Start(psi) ?? throw new Win32Exception("nft did not start");
            p.StandardInput.Write(script);
            p.StandardInput.Close();
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                var e = new MiniDockerException("FirewallUpdateFailed", FailureKind.InvalidOperation,
                    (p, op) => $"nftables refused MiniDocker's table ({err.Trim()}); the kernel may lack nf_tables, nft_nat, nft_masq or nft_fib (or use {p("Network")} none).", script);
                e.Data["nft"] = err;   // nft echoes the refused line: the engine looks for fib in it
                throw e;
            }
        }
    }
}
