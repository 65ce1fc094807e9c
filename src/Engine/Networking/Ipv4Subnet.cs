using System;
using System.Net;
using System.Net.Sockets;

namespace MiniDocker.Engine.Networking
{
    /// <summary>An IPv4 subnet (network address and prefix length) with the arithmetic IPAM needs.</summary>
    public readonly record struct Ipv4Subnet(uint Network, int Prefix)
    {
        public uint Mask => Prefix == 0 ? 0 : uint.MaxValue << (32 - Prefix);
        public uint Broadcast => Network | ~Mask;
        public bool Contains(uint ip) => (ip & Mask) == Network;
        public bool Overlaps(Ipv4Subnet other) => Contains(other.Network) || other.Contains(Network);
        public override string ToString() => $"{Format(Network)}/{Prefix}";

        /// <summary>"A.B.C.D/N" with no host bits set; null when it is not one.</summary>
        public static Ipv4Subnet? TryParse(string text)
        {
            int slash = text.IndexOf('/');
            if (slash < 0 || !int.TryParse(text.AsSpan(slash + 1), out int prefix) || prefix < 8 || prefix > 30) return null;
            if (ParseAddress(text.Substring(0, slash)) is not uint ip) return null;
            var s = new Ipv4Subnet(ip, prefix);
            return (ip & s.Mask) == ip ? s : null;
        }

        public static uint? ParseAddress(string text) =>
            IPAddress.TryParse(text, out var a) && a.AddressFamily == AddressFamily.InterNetwork && text.Split('.').Length == 4
                ? (uint)IPAddress.NetworkToHostOrder(BitConverter.ToInt32(a.GetAddressBytes(), 0))
                : null;

        public static string Format(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";
    }
}
