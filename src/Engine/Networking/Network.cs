using System;
using System.Collections.Generic;

namespace MiniDocker
{
    /// <summary>A bridge network: a Linux bridge with the gateway address, a subnet its containers get addresses from.</summary>
    public sealed class Network
    {
        public string Name { get; set; } = "";
        /// <summary>The Linux bridge (md0 for the default network "bridge").</summary>
        public string Bridge { get; set; } = "";
        /// <summary>IPv4 subnet in CIDR form, e.g. 10.89.0.0/24.</summary>
        public string Subnet { get; set; } = "";
        public string Gateway { get; set; } = "";
        /// <summary>No way out: no default route in its containers, no masquerade, no forwarding off the bridge.</summary>
        public bool Internal { get; set; }
        /// <summary>Its containers resolve each other by name and alias (aardvark-dns on the gateway); user networks made where aardvark-dns is installed.</summary>
        public bool DnsEnabled { get; set; }
        public DateTime Created { get; set; }
        /// <summary>Names of the containers attached to it (filled in when listed).</summary>
        public List<string> Containers { get; set; } = new();

        public override string ToString() => Name;
    }

    /// <summary>A published port: HostIp:HostPort on the host goes to ContainerPort in the container (docker -p).</summary>
    public sealed class PortMapping
    {
        public string HostIp { get; set; } = "0.0.0.0";
        public int HostPort { get; set; }
        public int ContainerPort { get; set; }
        /// <summary>"tcp" or "udp".</summary>
        public string Protocol { get; set; } = "tcp";

        public override string ToString() => $"{HostIp}:{HostPort}->{ContainerPort}/{Protocol}";
    }
}
