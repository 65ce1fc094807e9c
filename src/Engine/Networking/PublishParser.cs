using System.Globalization;
using System.Collections.Generic;
using System.Linq;

namespace MiniDocker.Engine.Networking
{
    /// <summary>docker -p syntax: [HOSTIP:]HOSTPORT[-END]:CONTAINERPORT[-END][/tcp|/udp].</summary>
    public static class PublishParser
    {
        public static List<PortMapping> Parse(IEnumerable<string> specs)
        {
            var all = new List<PortMapping>();
            foreach (var spec in specs)
                foreach (var m in ParseOne(spec))
                {
                    if (all.Any(o => o.HostPort == m.HostPort && o.Protocol == m.Protocol && (o.HostIp == m.HostIp || o.HostIp == "0.0.0.0" || m.HostIp == "0.0.0.0")))
                        throw Invalid(spec, $"host port {m.HostPort}/{m.Protocol} is published twice");
                    all.Add(m);
                }
            return all;
        }

        private static IEnumerable<PortMapping> ParseOne(string spec)
        {
            string rest = spec, protocol = "tcp";
            int slash = rest.LastIndexOf('/');
            if (slash >= 0)
            {
                protocol = rest.Substring(slash + 1).ToLowerInvariant();
                rest = rest.Substring(0, slash);
                if (protocol is not ("tcp" or "udp")) throw Invalid(spec, $"protocol '{protocol}' is not tcp or udp");
            }
            var parts = rest.Split(':');
            if (parts.Length is < 2 or > 3) throw Invalid(spec, "give HOSTPORT:CONTAINERPORT, optionally with HOSTIP: in front");
            string hostIp = "0.0.0.0";
            if (parts.Length == 3)
            {
                if (Ipv4Subnet.ParseAddress(parts[0]) is not uint ip) throw Invalid(spec, $"'{parts[0]}' is not an IPv4 address");
                hostIp = Ipv4Subnet.Format(ip);
            }
            var host = Range(parts[^2], spec);
            var container = Range(parts[^1], spec);
            if (host.Count != container.Count) throw Invalid(spec, "the host and container ranges differ in length");
            for (int i = 0; i < host.Count; i++)
                yield return new PortMapping { HostIp = hostIp, HostPort = host[i], ContainerPort = container[i], Protocol = protocol };
        }

        private static List<int> Range(string text, string spec)
        {
            var ends = text.Split('-');
            if (ends.Length > 2 || ends.Any(e => !int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p < 1 || p > 65535 || e.Trim() != e))
                throw Invalid(spec, $"'{text}' is not a port (1-65535) or a range of them");
            int a = int.Parse(ends[0], CultureInfo.InvariantCulture), b = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (b < a) throw Invalid(spec, $"range '{text}' ends before it starts");
            return Enumerable.Range(a, b - a + 1).ToList();
        }

        private static MiniDockerException Invalid(string spec, string why) =>
            new("InvalidPublish", FailureKind.InvalidArgument, (p, op) => $"{p("Publish")} '{spec}': {why} (e.g. 8080:80, 127.0.0.1:8080:80, 5353:53/udp).", spec);
    }
}
