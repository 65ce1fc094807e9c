using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// Networks (StateRoot/networks/NAME.json) and address leases (RunRoot/networks/leases.json), both under
    /// one flock (RunRoot/networks/lock). The firewall table is rebuilt from them after every change, so
    /// whatever a crash left is repaired by the next command that collects dead leases.
    /// </summary>
    public sealed class NetworkRegistry
    {
        public const string DefaultName = "bridge", DefaultBridge = "md0";
        private static readonly JsonSerializerOptions Json = EngineJson.Indented(EngineDataJsonContext.Default);
        private static readonly Regex ValidName = new(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}\z", RegexOptions.Compiled);
        /// <summary>Automatic subnets: /24s from 10.89.0.0 up (Podman takes 10.88/16, Docker 172.17/16, which collides on WSL2).</summary>
        private static readonly Ipv4Subnet AutoPool = new(0x0A590000, 16);
        private const uint AutoPoolEnd = 0x0A640000;   // 10.100.0.0

        private readonly string _definitions, _runDir;

        public NetworkRegistry(string stateRoot, string runRoot)
        {
            _definitions = Path.Combine(stateRoot, "networks");
            _runDir = Path.Combine(runRoot, "networks");
        }

        private string LeasesPath => Path.Combine(_runDir, "leases.json");

        public IDisposable Lock()
        {
            Directory.CreateDirectory(_runDir);
            return Syscalls.LockFile(Path.Combine(_runDir, "lock"));
        }

        // ---------------------------------------------------------------- definitions

        /// <summary>Defined networks, the default one first (shown with the subnet it would get if not made yet).</summary>
        public List<Network> List()
        {
            var all = Load();
            if (!all.Any(n => n.Name == DefaultName)) all.Insert(0, NewDefault(all));
            return all.OrderBy(n => n.Name == DefaultName ? 0 : 1).ThenBy(n => n.Created).ToList();
        }

        public Network? Find(string name) => List().FirstOrDefault(n => n.Name == name);

        public List<Network> Defined() => Load();

        private List<Network> Load()
        {
            if (!Directory.Exists(_definitions)) return new List<Network>();
            var list = new List<Network>();
            foreach (var f in Directory.EnumerateFiles(_definitions, "*.json"))
                try { if (JsonSerializer.Deserialize<Network>(File.ReadAllText(f), Json) is Network n) list.Add(n); }
                catch (JsonException) { }
                catch (FileNotFoundException) { }
            return list;
        }

        private void Save(Network n)
        {
            Directory.CreateDirectory(_definitions);
            var copy = new Network { Name = n.Name, Bridge = n.Bridge, Subnet = n.Subnet, Gateway = n.Gateway, Internal = n.Internal, DnsEnabled = n.DnsEnabled, Created = n.Created };
            AtomicFile.WriteAllText(Path.Combine(_definitions, n.Name + ".json"), JsonSerializer.Serialize(copy, Json));
        }

        private static Network NewDefault(List<Network> existing)
        {
            var subnet = PickSubnet(existing);
            return new Network { Name = DefaultName, Bridge = DefaultBridge, Subnet = subnet.ToString(), Gateway = Ipv4Subnet.Format(subnet.Network + 1), Created = DateTime.UtcNow };
        }

        /// <summary>The default network, recorded on first use. Caller holds the lock.</summary>
        public Network EnsureDefault()
        {
            var all = Load();
            if (all.FirstOrDefault(n => n.Name == DefaultName) is Network d) return d;
            d = NewDefault(all);
            Save(d);
            return d;
        }

        private static Ipv4Subnet PickSubnet(List<Network> existing)
        {
            var taken = Taken(existing).ToList();
            for (uint net = AutoPool.Network; net < AutoPoolEnd; net += 256)
            {
                var candidate = new Ipv4Subnet(net, 24);
                if (!taken.Any(t => t.Subnet.Overlaps(candidate))) return candidate;
            }
            throw new MiniDockerException("NoFreeSubnet", FailureKind.ResourceUnavailable,
                (p, op) => $"Every automatic subnet (10.89.0.0/24 to 10.99.255.0/24) is used by a network or a host route; give {p("Subnet")}.");
        }

        /// <summary>What a new subnet must not overlap: other networks and the host's routes (except our own bridges').</summary>
        private static IEnumerable<(string What, Ipv4Subnet Subnet)> Taken(List<Network> existing)
        {
            var bridges = existing.Select(n => n.Bridge).ToHashSet();
            foreach (var n in existing)
                if (Ipv4Subnet.TryParse(n.Subnet) is Ipv4Subnet s) yield return ($"network '{n.Name}'", s);
            foreach (var r in HostRoutes.Read())
                if (!bridges.Contains(r.Interface) && !r.Interface.StartsWith("md", StringComparison.Ordinal))
                    yield return ($"the host route {r.Subnet} on {r.Interface}", r.Subnet);
        }

        public Network Create(string name, string? subnet, string? gateway, bool isInternal)
        {
            if (!ValidName.IsMatch(name))
                throw new MiniDockerException("InvalidNetworkName", FailureKind.InvalidArgument,
                    $"Network name '{name}' is not valid: use 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit.", name);
            if (name is "none" or "host")
                throw new MiniDockerException("NetworkNameReserved", FailureKind.InvalidArgument, $"'{name}' is a network mode, not a network name; choose another name.", name);
            Ipv4Subnet? wanted = null;
            if (subnet != null)
                wanted = Ipv4Subnet.TryParse(subnet) ?? throw new MiniDockerException("InvalidSubnet", FailureKind.InvalidArgument,
                    $"Subnet '{subnet}' is not an IPv4 subnet like 10.90.0.0/24 (prefix 8-30, no host bits set).", subnet);
            using (Lock())
            {
                var all = Load();
                if (name == DefaultName || all.Any(n => n.Name == name))
                    throw new MiniDockerException("NetworkExists", FailureKind.ResourceExists, $"A network named '{name}' already exists.", name);
                var s = wanted ?? PickSubnet(all);
                if (wanted != null && Taken(all).FirstOrDefault(t => t.Subnet.Overlaps(s)) is var clash && clash.What != null)
                    throw new MiniDockerException("SubnetOverlap", FailureKind.ResourceExists, (p, op) => $"Subnet {s} overlaps {clash.What} ({clash.Subnet}); choose another {p("Subnet")}.", subnet);
                uint gw = s.Network + 1;
                if (gateway != null)
                {
                    gw = Ipv4Subnet.ParseAddress(gateway) is uint g && s.Contains(g) && g != s.Network && g != s.Broadcast
                        ? g
                        : throw new MiniDockerException("InvalidGateway", FailureKind.InvalidArgument, $"Gateway '{gateway}' is not a host address in {s}.", gateway);
                }
                var used = all.Select(n => n.Bridge).ToHashSet();
                int index = 1;
                while (used.Contains("md" + index)) index++;
                var n = new Network { Name = name, Bridge = "md" + index, Subnet = s.ToString(), Gateway = Ipv4Subnet.Format(gw), Internal = isInternal, DnsEnabled = AardvarkDns.Find() != null, Created = DateTime.UtcNow };
                Save(n);
                return n;
            }
        }

        /// <summary>Deletes the definition and its leases (the caller checked who uses it); returns the bridge to delete.</summary>
        public void Delete(Network n)
        {
            var leases = LoadLeases();
            if (leases.RemoveAll(l => l.Network == n.Name) > 0) SaveLeases(leases);
            File.Delete(Path.Combine(_definitions, n.Name + ".json"));
        }

        // ---------------------------------------------------------------- leases

        public List<Lease> LoadLeases()
        {
            try { return JsonSerializer.Deserialize<List<Lease>>(File.ReadAllText(LeasesPath), Json) ?? new List<Lease>(); }
            catch (FileNotFoundException) { return new List<Lease>(); }
            catch (DirectoryNotFoundException) { return new List<Lease>(); }
            catch (JsonException) { return new List<Lease>(); }   // rebuilt from live containers as they restart
        }

        private void SaveLeases(List<Lease> leases)
        {
            Directory.CreateDirectory(_runDir);
            AtomicFile.WriteAllText(LeasesPath, JsonSerializer.Serialize(leases, Json));
        }

        /// <summary>Drops the leases whose owners are gone; true if any was. Caller holds the lock.</summary>
        public bool CollectDead()
        {
            var leases = LoadLeases();
            if (leases.RemoveAll(l => !l.IsAlive) == 0) return false;
            SaveLeases(leases);
            return true;
        }

        /// <summary>A free address in N for CONTAINERID, owned by this process until Bind. Caller holds the lock.</summary>
        public Lease Allocate(Network n, string containerId, IReadOnlyList<PortMapping> ports, IReadOnlyList<string>? names = null, IReadOnlyList<string>? dnsServers = null)
        {
            var leases = LoadLeases();
            leases.RemoveAll(l => l.ContainerId == containerId || !l.IsAlive);
            foreach (var p in ports)
                foreach (var other in leases)
                    if (other.Ports.FirstOrDefault(q => q.Protocol == p.Protocol && q.HostPort == p.HostPort
                            && (q.HostIp == p.HostIp || q.HostIp == "0.0.0.0" || p.HostIp == "0.0.0.0")) is PortMapping q)
                        throw new MiniDockerException("PortAlreadyAllocated", FailureKind.ResourceUnavailable,
                            $"Host port {p.HostIp}:{p.HostPort}/{p.Protocol} is already published by container {other.ContainerId.Substring(0, Math.Min(12, other.ContainerId.Length))}.", p.ToString());
            var s = Ipv4Subnet.TryParse(n.Subnet)!.Value;
            uint gw = Ipv4Subnet.ParseAddress(n.Gateway) ?? 0;
            var used = leases.Where(l => l.Network == n.Name).Select(l => Ipv4Subnet.ParseAddress(l.Address) ?? 0).ToHashSet();
            for (uint ip = s.Network + 1; ip < s.Broadcast; ip++)
            {
                if (ip == gw || used.Contains(ip)) continue;
                var lease = new Lease
                {
                    ContainerId = containerId, Network = n.Name, Address = Ipv4Subnet.Format(ip), Ports = ports.ToList(),
                    Names = names?.ToList() ?? new List<string>(), DnsServers = dnsServers?.ToList() ?? new List<string>(),
                    OwnerPid = Environment.ProcessId, OwnerStart = ProcessInfo.StartTime(Environment.ProcessId) ?? 0,
                };
                leases.Add(lease);
                SaveLeases(leases);
                return lease;
            }
            throw new MiniDockerException("NetworkFull", FailureKind.ResourceUnavailable, $"Network '{n.Name}' ({n.Subnet}) has no free address left.", n.Name);
        }

        /// <summary>The container runs: its lease now lives as long as its monitor or init. Caller holds the lock.</summary>
        public void Bind(string containerId, int monitorPid, ulong? monitorStart, int initPid, ulong? initStart)
        {
            var leases = LoadLeases();
            foreach (var l in leases.Where(l => l.ContainerId == containerId))
                (l.MonitorPid, l.MonitorStart, l.InitPid, l.InitStart) = (monitorPid, monitorStart, initPid, initStart);
            SaveLeases(leases);
        }

        /// <summary>OLDNAME becomes NEWNAME among the DNS names of CONTAINERID's lease; true if it had it. Caller holds the lock.</summary>
        public bool Rename(string containerId, string oldName, string newName)
        {
            var leases = LoadLeases();
            bool changed = false;
            foreach (var l in leases.Where(l => l.ContainerId == containerId))
                for (int i = 0; i < l.Names.Count; i++)
                    if (l.Names[i] == oldName) { l.Names[i] = newName; changed = true; }
            if (changed) SaveLeases(leases);
            return changed;
        }

        /// <summary>Idempotent; true if a lease was dropped. Caller holds the lock.</summary>
        public bool Release(string containerId)
        {
            var leases = LoadLeases();
            if (leases.RemoveAll(l => l.ContainerId == containerId) == 0) return false;
            SaveLeases(leases);
            return true;
        }
    }
}
