using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using MiniDocker.Engine.Networking;

namespace MiniDocker.Engine
{
    /// <summary>Networks: -Network/-Publish/-Dns/-AddHost of a container, its attach and teardown, and the network cmdlets' API.</summary>
    public sealed partial class ContainerEngine
    {
        private static readonly Regex ValidHostAlias = new(@"^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})\z", RegexOptions.Compiled);
        private NetworkRegistry? _networks;

        private NetworkRegistry Networks => _networks ??= new NetworkRegistry(_options.StateRoot, _options.RunRoot);

        private sealed record NetworkSpec(string Network, List<PortMapping> Ports, List<string> Dns, List<string> ExtraHosts, List<string> Aliases)
        {
            public void ApplyTo(Container c) => (c.Network, c.Ports, c.Dns, c.ExtraHosts, c.NetworkAliases) = (Network, Ports, Dns, ExtraHosts, Aliases);
        }

        private NetworkSpec ValidateNetworkSpec(ContainerSpec spec)
        {
            string name = spec.Network ?? _options.DefaultNetwork;
            var ports = PublishParser.Parse(spec.Publish);
            bool bridged = name is not (NetworkAttachment.None or NetworkAttachment.Host) && !UserModeNetwork.IsUserMode(name);
            var network = bridged ? Networks.Find(name) ?? throw UnknownNetwork(name) : null;
            if (name == PastaNetwork.Name && !Rootless.RootlessMode.IsRootless)
                throw new MiniDockerException("PastaNeedsRootless", FailureKind.InvalidArgument,
                    (p, op) => $"{p("Network")} pasta is the rootless user-mode network; as root use bridge (the default) or a network made with {op("CreateNetwork")}.", name);
            if (name == Slirp4netnsNetwork.Name && !Rootless.RootlessMode.IsRootless)
                throw new MiniDockerException("Slirp4netnsNeedsRootless", FailureKind.InvalidArgument,
                    (p, op) => $"{p("Network")} slirp4netns is a rootless user-mode network; as root use bridge (the default) or a network made with {op("CreateNetwork")}.", name);
            name = UserModeNetwork.Choose(name, Trace);
            if (ports.Count > 0 && !UserModeNetwork.IsUserMode(name) && (network == null || network.Internal))
                throw new MiniDockerException("PublishNeedsBridgeNetwork", FailureKind.InvalidArgument,
                    (p, op) => $"{p("Publish")} needs a bridge network with a way out; '{name}' is {(network == null ? "not one" : "internal")}.", spec.Publish[0]);
            foreach (var d in spec.Dns)
                if (!System.Net.IPAddress.TryParse(d, out _))
                    throw new MiniDockerException("InvalidDns", FailureKind.InvalidArgument, (p, op) => $"{p("Dns")} '{d}' is not an IP address.", d);
            foreach (var h in spec.AddHost)
            {
                int colon = h.IndexOf(':');
                if (colon <= 0 || !ValidHostAlias.IsMatch(h.Substring(0, colon)) || !System.Net.IPAddress.TryParse(h.Substring(colon + 1), out _))
                    throw new MiniDockerException("InvalidAddHost", FailureKind.InvalidArgument, (p, op) => $"{p("AddHost")} '{h}' is not NAME:IP (e.g. db:10.0.0.5).", h);
            }
            foreach (var a in spec.NetworkAlias)
                if (!ValidHostAlias.IsMatch(a))
                    throw new MiniDockerException("InvalidNetworkAlias", FailureKind.InvalidArgument, (p, op) => $"{p("NetworkAlias")} '{a}' is not a host name (letters, digits, '.', '-').", a);
            // Docker's rule: the default network resolves no names, so an alias there would silently do nothing.
            if (spec.NetworkAlias.Length > 0 && (network == null || network.Name == NetworkRegistry.DefaultName))
                throw new MiniDockerException("NetworkAliasNeedsUserNetwork", FailureKind.InvalidArgument,
                    (p, op) => $"{p("NetworkAlias")} needs a network made with {op("CreateNetwork")}; '{name}' resolves no names.", spec.NetworkAlias[0]);
            return new NetworkSpec(name, ports, spec.Dns.ToList(), spec.AddHost.ToList(), spec.NetworkAlias.Distinct().ToList());
        }

        private static MiniDockerException UnknownNetwork(string name) =>
            new("NetworkNotFound", FailureKind.ObjectNotFound, (p, op) => $"There is no network '{name}': use none, host, bridge or one made with {op("CreateNetwork")}.", name);

        /// <summary>Start, before the plan: the address lease, ip_forward, the /etc files. Null for -Network none.</summary>
        private NetworkAttachment? AttachNetwork(Container c, string containerDir)
        {
            c.IPAddress = null;
            if (c.Network == NetworkAttachment.None) return null;
            string etc = Path.Combine(containerDir, "etc");
            if (c.Network == PastaNetwork.Name)
            {
                string pasta = PastaNetwork.Require(c);
                ContainerEtcFiles.Write(etc, c, PastaNetwork.Address, bridged: true);
                // pasta forwards this address's port 53 to the host's first resolver (which may be a loopback stub).
                if (c.Dns.Count == 0) File.WriteAllText(Path.Combine(etc, "resolv.conf"), ContainerEtcFiles.ResolvConf(new[] { PastaNetwork.Dns }, bridged: true));
                string pidFile = Path.GetFullPath(Path.Combine(_store.RunDirectoryOf(c.Id), PastaNetwork.PidFileName));
                return new NetworkAttachment { Mode = PastaNetwork.Name, EtcDir = etc, Pasta = pasta, PastaPidFile = pidFile, PastaOptions = PastaNetwork.Options(c.Ports) };
            }
            if (c.Network == Slirp4netnsNetwork.Name)
            {
                string slirp = Slirp4netnsNetwork.Require(c);
                ContainerEtcFiles.Write(etc, c, PastaNetwork.Address, bridged: true);
                // slirp4netns forwards 10.0.2.3's port 53 to the host's resolver, as pasta does.
                if (c.Dns.Count == 0) File.WriteAllText(Path.Combine(etc, "resolv.conf"), ContainerEtcFiles.ResolvConf(new[] { PastaNetwork.Dns }, bridged: true));
                string pidFile = Path.GetFullPath(Path.Combine(_store.RunDirectoryOf(c.Id), Slirp4netnsNetwork.PidFileName));
                return new NetworkAttachment { Mode = Slirp4netnsNetwork.Name, EtcDir = etc, Slirp4netns = slirp, Slirp4netnsPidFile = pidFile, Slirp4netnsPorts = c.Ports };
            }
            if (c.Network == NetworkAttachment.Host)
            {
                Directory.CreateDirectory(etc);
                File.WriteAllText(Path.Combine(etc, "hostname"), c.Hostname + "\n");
                File.Copy(File.Exists("/etc/hosts") ? "/etc/hosts" : "/dev/null", Path.Combine(etc, "hosts"), overwrite: true);
                File.WriteAllText(Path.Combine(etc, "resolv.conf"), ContainerEtcFiles.ResolvConf(c.Dns, bridged: false));
                return new NetworkAttachment { Mode = NetworkAttachment.Host, EtcDir = etc };
            }
            Firewall.RequireNft();
            Lease lease;
            Network n;
            (string ResolvConf, List<string> Upstreams)? dns = null;
            using (Networks.Lock())
            {
                n = c.Network == NetworkRegistry.DefaultName ? Networks.EnsureDefault() : Networks.Find(c.Network) ?? throw UnknownNetwork(c.Network);
                if (n.DnsEnabled)
                {
                    if (AardvarkDns.Find() == null) throw AardvarkDns.NotInstalled();
                    dns = ContainerEtcFiles.ForNetworkDns(c.Dns, n.Gateway);
                }
                var names = dns == null ? null : new[] { c.Name, c.Id.Substring(0, 12) }.Concat(c.NetworkAliases).ToList();
                lease = Networks.Allocate(n, c.Id, c.Ports, names, dns?.Upstreams);
            }
            if (!n.Internal) EnableForwarding();
            ContainerEtcFiles.Write(etc, c, lease.Address, bridged: true);
            if (dns != null) File.WriteAllText(Path.Combine(etc, "resolv.conf"), dns.Value.ResolvConf);
            return new NetworkAttachment { Mode = n.Name, EtcDir = etc, Network = n, Lease = lease };
        }

        private static void EnableForwarding()
        {
            const string path = "/proc/sys/net/ipv4/ip_forward";
            if (File.Exists(path) && File.ReadAllText(path).Trim() != "1") File.WriteAllText(path, "1");
        }

        /// <summary>Start, after the helper's ok: the lease follows the monitor and init; the DNAT and masquerade rules go in.</summary>
        private void BindNetwork(Container c, NetworkAttachment? a, HelperReport report)
        {
            if (a?.Pasta != null || a?.Slirp4netns != null) c.IPAddress = PastaNetwork.Address;
            if (a?.Lease == null) return;
            c.IPAddress = a.Lease.Address;
            using (Networks.Lock())
            {
                Networks.Bind(c.Id, report.MonitorPid, ProcessInfo.StartTime(report.MonitorPid), report.InitPid, ProcessInfo.StartTime(report.InitPid));
                ApplyFirewall();
            }
        }

        /// <summary>Idempotent teardown: the lease and its rules go (the veth went with the container's network namespace).</summary>
        private void ReleaseNetwork(Container c)
        {
            c.IPAddress = null;
            if (c.Network == PastaNetwork.Name) PastaNetwork.KillLeftover(_store.RunDirectoryOf(c.Id));
            if (c.Network == Slirp4netnsNetwork.Name) Slirp4netnsNetwork.KillLeftover(_store.RunDirectoryOf(c.Id));
            if (c.Network is NetworkAttachment.None or NetworkAttachment.Host || UserModeNetwork.IsUserMode(c.Network)) return;
            try
            {
                using (Networks.Lock())
                {
                    bool changed = Networks.Release(c.Id) | Networks.CollectDead();
                    if (changed) ApplyFirewall();
                }
            }
            // Reads reconcile through here and must not fail on it: what is left is collected by the next command.
            catch (Exception e) when (e is MiniDockerException or IOException or UnauthorizedAccessException) { }
        }

        /// <summary>A running container's new name replaces the old one in its network's DNS (as with Docker).</summary>
        private void RenameInNetwork(Container c, string oldName)
        {
            if (c.Network is NetworkAttachment.None or NetworkAttachment.Host || UserModeNetwork.IsUserMode(c.Network)) return;
            try
            {
                using (Networks.Lock())
                    if (Networks.Rename(c.Id, oldName, c.Name)) ApplyFirewall();
            }
            // The record is renamed already; a DNS server that cannot be told now is brought up to date by the next change.
            catch (Exception e) when (e is MiniDockerException or IOException or UnauthorizedAccessException) { }
        }

        /// <summary>Every listing repairs what a crash left: leases of containers whose monitor and init are gone, and their rules.</summary>
        private void CollectDeadLeases()
        {
            if (!Directory.Exists(Path.Combine(_options.RunRoot, "networks"))) return;
            try
            {
                using (Networks.Lock())
                    if (Networks.CollectDead() | (!Rootless.RootlessMode.IsRootless && !FirewallLayoutCurrent())) ApplyFirewall();
            }
            catch (Exception e) when (e is MiniDockerException or IOException or UnauthorizedAccessException) { }
        }

        /// <summary>
        /// Set once nft refused the fib expression (kernels without nft_fib_inet, e.g. WSL 6.6). MINIDOCKER_NFT_FIB=0
        /// starts without it (the tests prove the fallback rules on a kernel that has fib).
        /// </summary>
        private static bool _noFib = Environment.GetEnvironmentVariable("MINIDOCKER_NFT_FIB") == "0";

        /// <summary>Caller holds the registry lock. The firewall table and the DNS servers' files follow the leases.</summary>
        private void ApplyFirewall()
        {
            var networks = Networks.Defined();
            var leases = Networks.LoadLeases();
            ApplyFirewall(networks, leases);
            AardvarkDns.Sync(Path.Combine(_options.RunRoot, "networks", "aardvark-dns"), networks, leases);
            string stamp = Path.Combine(_options.RunRoot, "networks", FirewallLayoutFile);
            if (!FirewallLayoutCurrent()) AtomicFile.WriteAllText(stamp, FirewallLayout);
        }

        /// <summary>
        /// What ApplyFirewall makes, versioned: 2 = internal networks' DNS server forwards nothing and their bridges
        /// reach only the gateway's DNS and ping. A run root an older MiniDocker set up is redone by the next listing.
        /// </summary>
        private const string FirewallLayoutFile = "layout", FirewallLayout = "2";

        private bool FirewallLayoutCurrent()
        {
            try { return File.ReadAllText(Path.Combine(_options.RunRoot, "networks", FirewallLayoutFile)) == FirewallLayout; }
            catch (IOException) { return false; }
        }

        private static void ApplyFirewall(List<Network> networks, List<Lease> leases)
        {
            // Docker's FORWARD policy DROP would drop our forwarded traffic: our accepts go there, in the same batch.
            string foreign = ForeignForward.Rules(networks);
            if (!_noFib)
            {
                try { Firewall.Apply(Firewall.Build(networks, leases) + foreign); return; }
                catch (MiniDockerException e) when (e.Data["nft"] is string nft && nft.Contains("fib", StringComparison.Ordinal)) { }
                _noFib = true;
            }
            Firewall.Apply(Firewall.Build(networks, leases, Firewall.LocalAddresses()) + foreign);
        }

        // ---------------------------------------------------------------- the network cmdlets' API

        /// <summary>The networks' names as defined, without reading (reconciling) any container: for tab completion.</summary>
        public IReadOnlyList<string> ListNetworkNames() => Networks.List().Select(n => n.Name).ToList();

        /// <summary>Every network (the default "bridge" first), with the containers attached to each.</summary>
        public IReadOnlyList<Network> ListNetworks()
        {
            var containers = List();
            var all = Networks.List();
            foreach (var n in all) n.Containers = containers.Where(c => c.Network == n.Name).Select(c => c.Name).ToList();
            return all;
        }

        public Network GetNetwork(string name) =>
            ListNetworks().FirstOrDefault(n => n.Name == name) ?? throw UnknownNetwork(name);

        public Network CreateNetwork(string name, string? subnet, string? gateway, bool isInternal)
        {
            var n = Networks.Create(name, subnet, gateway, isInternal);
            return n;
        }

        /// <summary>Deletes the network and its bridge; with FORCE its containers are removed first (Podman's network rm -f).</summary>
        public void RemoveNetwork(string name, bool force)
        {
            if (name is NetworkRegistry.DefaultName or NetworkAttachment.None or NetworkAttachment.Host)
                throw new MiniDockerException("NetworkPredefined", FailureKind.InvalidOperation, $"'{name}' is predefined and cannot be removed.", name);
            var n = GetNetwork(name);
            var users = List().Where(c => c.Network == name).ToList();
            if (users.Count > 0 && !force)
                throw new MiniDockerException("NetworkInUse", FailureKind.InvalidOperation,
                    (p, op) => $"Network '{name}' is used by {string.Join(", ", users.Select(c => c.Name))}; remove them first or use {p("Force")} (removes them).", n);
            foreach (var c in users) Remove(c.Id, force: true);
            using (Networks.Lock())
            {
                Networks.Delete(n);
                Netlink.DeleteLink(n.Bridge);
                ApplyFirewall();
            }
        }
    }
}
