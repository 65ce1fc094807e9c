using System.Collections.Generic;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// A container's address on a network, and its published ports. Alive while its owner is: first the
    /// process starting it (a crash mid-start frees it), then the container's monitor or init.
    /// </summary>
    public sealed class Lease
    {
        public string ContainerId { get; set; } = "";
        public string Network { get; set; } = "";
        public string Address { get; set; } = "";
        public List<PortMapping> Ports { get; set; } = new();
        /// <summary>What other containers on its network resolve to Address: its name, short id and -NetworkAlias (DNS networks only).</summary>
        public List<string> Names { get; set; } = new();
        /// <summary>The upstream servers the network's DNS server asks for this container's other names.</summary>
        public List<string> DnsServers { get; set; } = new();
        public int OwnerPid { get; set; }
        public ulong OwnerStart { get; set; }
        public int? MonitorPid { get; set; }
        public ulong? MonitorStart { get; set; }
        public int? InitPid { get; set; }
        public ulong? InitStart { get; set; }

        public bool IsAlive => MonitorPid == null
            ? ProcessInfo.IsSame(OwnerPid, OwnerStart)
            : ProcessInfo.IsSame(MonitorPid, MonitorStart) || ProcessInfo.IsSame(InitPid, InitStart);
    }
}
