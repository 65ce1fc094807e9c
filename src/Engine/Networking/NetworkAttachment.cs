using System.Collections.Generic;
using System.IO;
using static MiniDocker.Engine.Launch.LaunchPlan;

namespace MiniDocker.Engine.Networking
{
    /// <summary>What a container's launch plan needs for its network: the /etc files and the interface directives.</summary>
    public sealed class NetworkAttachment
    {
        public const string None = "none", Host = "host";

        public string Mode { get; init; } = None;   // none, host, or a bridge network's name
        public string EtcDir { get; init; } = "";
        public Network? Network { get; init; }
        public Lease? Lease { get; init; }
        /// <summary>-Network pasta: the tool, where it writes its pid, and its options (<see cref="PastaNetwork"/>).</summary>
        public string? Pasta { get; init; }
        public string? PastaPidFile { get; init; }
        public string? PastaOptions { get; init; }

        public bool IsBridge => Network != null;

        /// <summary>Host veth name: md + 11 hex digits of the container id (IFNAMSIZ allows 15).</summary>
        public static string HostVeth(string containerId) => "md" + containerId.Substring(0, 11);

        /// <summary>Binds the generated files over the image's (before any volume, so a volume can replace them).</summary>
        public void AddMounts(LaunchPlan plan)
        {
            foreach (var f in new[] { "hosts", "hostname", "resolv.conf" })
                plan.Mount(Path.Combine(EtcDir, f), "rootfs/etc/" + f, "", MS_BIND, "");
        }

        public void AddInterfaces(LaunchPlan plan)
        {
            if (Mode == Host) { plan.HostNet(); return; }
            plan.Loopback();
            if (Pasta != null) plan.Pasta(Pasta, PastaPidFile!, PastaOptions!);
            if (Network == null || Lease == null) return;
            var subnet = Ipv4Subnet.TryParse(Network.Subnet)!.Value;
            plan.Bridge(Network.Bridge, $"{Network.Gateway}/{subnet.Prefix}")
                .Veth(HostVeth(Lease.ContainerId), Network.Bridge)
                .IpAddr("eth0", $"{Lease.Address}/{subnet.Prefix}");
            if (!Network.Internal) plan.Route(Network.Gateway);
            foreach (var p in Lease.Ports) plan.Publish(p.Protocol, p.HostIp, p.HostPort);
        }
    }
}
