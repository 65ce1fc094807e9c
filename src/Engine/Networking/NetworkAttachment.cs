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
        /// <summary>-Network slirp4netns: the tool, where the monitor writes its pid, and the ports it forwards (<see cref="Slirp4netnsNetwork"/>).</summary>
        public string? Slirp4netns { get; init; }
        public string? Slirp4netnsPidFile { get; init; }
        public IReadOnlyList<PortMapping> Slirp4netnsPorts { get; init; } = new List<PortMapping>();

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
            if (Slirp4netns != null)
            {
                plan.Slirp4netns(Slirp4netns, Slirp4netnsPidFile!, Slirp4netnsNetwork.Interface, Slirp4netnsNetwork.Options);
                foreach (var p in Slirp4netnsPorts) plan.HostFwd(p.Protocol, p.HostIp is "" ? "0.0.0.0" : p.HostIp, p.HostPort, PastaNetwork.Address, p.ContainerPort);
            }
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
