using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace MiniDocker.Engine.Networking
{
    /// <summary>The host's IPv4 routes (/proc/net/route), so a new subnet never shadows one (WSL2's NAT uses 172.x/20).</summary>
    public static class HostRoutes
    {
        /// <summary>Every non-default route's destination subnet with its interface.</summary>
        public static IEnumerable<(string Interface, Ipv4Subnet Subnet)> Read(string path = "/proc/net/route")
        {
            if (!File.Exists(path)) yield break;
            foreach (var line in File.ReadLines(path))
            {
                var f = line.Split('\t', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries);
                if (f.Length < 8 || !uint.TryParse(f[1], NumberStyles.HexNumber, null, out uint dest) || !uint.TryParse(f[7], NumberStyles.HexNumber, null, out uint mask))
                    continue;
                if (mask == 0) continue;   // the default route overlaps everything; it is not a collision
                uint d = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(dest), m = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(mask);
                yield return (f[0], new Ipv4Subnet(d & m, System.Numerics.BitOperations.PopCount(m)));
            }
        }
    }
}
