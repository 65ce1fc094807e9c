using System;
using System.Linq;
using System.Net;

namespace MiniDocker.Engine.Registry
{
    /// <summary>
    /// Registries allowed to speak plain HTTP when HTTPS fails, besides this machine's (Docker's
    /// insecure-registries): MINIDOCKER_INSECURE_REGISTRIES, entries separated by commas or spaces, each
    /// a host:port (that port), a host (any port) or an IP network in CIDR form (10.0.0.0/8).
    /// </summary>
    public static class InsecureRegistries
    {
        public const string Variable = "MINIDOCKER_INSECURE_REGISTRIES";

        /// <summary>True when REGISTRY (host[:port], as in a reference) is listed.</summary>
        public static bool Contains(string registry)
        {
            string list = Environment.GetEnvironmentVariable(Variable) ?? "";
            var uri = new Uri("https://" + registry);
            string host = uri.Host.Trim('[', ']');
            foreach (var entry in list.Split(new[] { ',', ' ', '\t', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim().ToLowerInvariant()))
            {
                if (entry == registry.ToLowerInvariant() || entry.Trim('[', ']') == host.ToLowerInvariant()) return true;
                int slash = entry.IndexOf('/');
                if (slash > 0 && IPAddress.TryParse(host, out var ip) && IPAddress.TryParse(entry.Substring(0, slash), out var network)
                    && int.TryParse(entry.Substring(slash + 1), out int bits) && InNetwork(ip, network, bits))
                    return true;
            }
            return false;
        }

        private static bool InNetwork(IPAddress ip, IPAddress network, int bits)
        {
            byte[] a = ip.GetAddressBytes(), n = network.GetAddressBytes();
            if (a.Length != n.Length || bits < 0 || bits > a.Length * 8) return false;
            for (int i = 0; i < a.Length && bits > 0; i++, bits -= 8)
            {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((a[i] & mask) != (n[i] & mask)) return false;
            }
            return true;
        }
    }
}
