using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>cgroup v1 (legacy or hybrid hosts): one directory per controller hierarchy.</summary>
    public sealed class CgroupV1Driver : ICgroupDriver
    {
        /// <summary>The hierarchies a container joins; the ones a host lacks are skipped.</summary>
        private static readonly string[] Controllers = { "memory", "pids", "cpu", "cpuacct", "cpuset", "freezer", "devices" };

        private readonly CgroupLayout _layout;
        private readonly string? _parentOption;

        public CgroupV1Driver(CgroupLayout layout, string? parentOption)
        {
            _layout = layout;
            _parentOption = parentOption;
            foreach (var required in new[] { "memory", "pids", "freezer" })
                if (!layout.V1.ContainsKey(required))
                    throw new MiniDockerException("CgroupControllerMissing", FailureKind.NotInstalled,
                        $"The cgroup v1 '{required}' controller is not mounted under /sys/fs/cgroup; mount it (mount -t cgroup -o {required} cgroup /sys/fs/cgroup/{required}).", required);
        }

        public CgroupMode Mode => _layout.Mode;

        /// <summary>controller → (parent dir, container dir); controllers sharing a mount appear once.</summary>
        private IEnumerable<(string Controller, string Parent, string Dir)> Places(string id)
        {
            var seen = new HashSet<string>();
            foreach (var c in Controllers)
            {
                if (!_layout.V1.TryGetValue(c, out var h) || !seen.Add(h.Mount)) continue;
                string parent = Path.Combine(h.Mount, CgroupFiles.ResolveParent(_parentOption, h.OwnPath, "minidocker").TrimStart('/'));
                yield return (c, parent, Path.Combine(parent, id));
            }
        }

        public ContainerCgroup Locate(string containerId) =>
            new(Places(containerId).Select(p => p.Dir).Where(Directory.Exists).ToList());

        public ContainerCgroup Create(string containerId, ResourceLimits limits, IReadOnlyList<DeviceRule>? devices = null)
        {
            if (devices != null && !_layout.V1.ContainsKey("devices"))
                throw new MiniDockerException("CgroupControllerMissing", FailureKind.NotInstalled,
                    "The cgroup v1 'devices' controller is not mounted under /sys/fs/cgroup, so a container could open any host device through a node it makes; " +
                    "mount it (mount -t cgroup -o devices cgroup /sys/fs/cgroup/devices).", "devices");
            var created = new List<string>();
            try
            {
                foreach (var (controller, parent, dir) in Places(containerId))
                {
                    MakeLeaf(controller, parent, dir);
                    created.Add(dir);
                }
                var cg = new ContainerCgroup(created);
                Apply(cg, limits);
                if (devices != null && DirOf(cg, "devices") is string dev) WriteDeviceRules(dev, devices);
                return cg;
            }
            catch
            {
                Remove(new ContainerCgroup(created));
                throw;
            }
        }

        /// <summary>Default deny, then one allow line per rule (the kernel parses one rule per write).</summary>
        private static void WriteDeviceRules(string dir, IReadOnlyList<DeviceRule> rules)
        {
            CgroupFiles.Write(dir, "devices.deny", "a");
            foreach (var rule in rules) CgroupFiles.Write(dir, "devices.allow", rule.ToString());
        }

        /// <summary>
        /// Makes the container's directory in one hierarchy. Parallel starts make the same parents and a parallel
        /// remove may take an empty parent away, so: every level is made with a plain mkdir (EEXIST is fine), a
        /// cpuset level gets its cpus/mems before anything is made below it (an empty cpuset cannot take a task:
        /// ENOSPC), and a parent that vanished before the leaf's mkdir (ENOENT) is made again.
        /// </summary>
        private static void MakeLeaf(string controller, string parent, string dir)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    EnsureChain(controller, parent);
                    int err = CgroupFiles.MakeDirectory(dir);
                    if (err == CgroupFiles.ENOENT && attempt < 10) continue;
                    if (err != 0) throw CgroupFiles.MkdirFailed(dir, err);
                    if (controller == "cpuset") InheritCpuset(dir);
                    return;
                }
                catch (MiniDockerException) when (attempt < 10) { } // a level vanished under us: walk again
            }
        }

        /// <summary>mkdir -p the parent, top down; each cpuset level inherits cpus/mems from the level above.</summary>
        private static void EnsureChain(string controller, string parent)
        {
            bool cpuset = controller == "cpuset";
            // Fast path: a usable parent (its ancestors are then usable too).
            if (Directory.Exists(parent) && (!cpuset || HasCpuset(parent))) return;
            var missing = new Stack<string>();
            for (string? d = parent; d != null && !(Directory.Exists(d) && (!cpuset || HasCpuset(d))); d = Path.GetDirectoryName(d)) missing.Push(d);
            while (missing.Count > 0)
            {
                string d = missing.Pop();
                int err = CgroupFiles.MakeDirectory(d);
                if (err != 0) throw CgroupFiles.MkdirFailed(d, err);
                if (cpuset) InheritCpuset(d);
            }
        }

        private static bool HasCpuset(string dir) =>
            (CgroupFiles.Read(dir, "cpuset.cpus") ?? "").Trim() != "" && (CgroupFiles.Read(dir, "cpuset.mems") ?? "").Trim() != "";

        private static void InheritCpuset(string dir)
        {
            string parent = Path.GetDirectoryName(dir)!;
            foreach (var f in new[] { "cpuset.cpus", "cpuset.mems" })
                if ((CgroupFiles.Read(dir, f) ?? "").Trim() == "")
                    CgroupFiles.Write(dir, f, (CgroupFiles.Read(parent, f) ?? "").Trim());
        }

        private string? DirOf(ContainerCgroup cg, string controller)
        {
            if (!_layout.V1.TryGetValue(controller, out var h)) return null;
            return cg.Directories.FirstOrDefault(d => d.StartsWith(h.Mount + "/", StringComparison.Ordinal));
        }

        public void Apply(ContainerCgroup cg, ResourceLimits limits)
        {
            if (DirOf(cg, "memory") is string mem) ApplyMemory(mem, limits);
            if (DirOf(cg, "pids") is string pids)
                CgroupFiles.Write(pids, "pids.max", limits.PidsLimit is long pl ? pl.ToString(System.Globalization.CultureInfo.InvariantCulture) : "max");
            if (DirOf(cg, "cpu") is string cpu)
            {
                if (limits.Cpus is double cpus)
                {
                    CgroupFiles.Write(cpu, "cpu.cfs_period_us", "100000");
                    CgroupFiles.Write(cpu, "cpu.cfs_quota_us", ((long)Math.Round(cpus * 100000)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                if (limits.CpuShares is long shares) CgroupFiles.Write(cpu, "cpu.shares", shares.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (DirOf(cg, "cpuset") is string cpuset && limits.CpusetCpus is string set)
                CgroupFiles.Write(cpuset, "cpuset.cpus", set);
        }

        /// <summary>
        /// The kernel keeps memory.limit_in_bytes &lt;= memory.memsw.limit_in_bytes at every moment: when the memory
        /// limit grows, memsw is raised first; when it shrinks, memory goes first. Without swap accounting
        /// (no memsw files) only an explicit swap limit is an error.
        /// </summary>
        private static void ApplyMemory(string mem, ResourceLimits limits)
        {
            if (limits.MemoryBytes is not long m) return;
            bool hasMemsw = File.Exists(Path.Combine(mem, "memory.memsw.limit_in_bytes"));
            long memsw = limits.MemorySwapBytes ?? m;
            if (!hasMemsw && limits.MemorySwapBytes is long asked && asked != m) throw CgroupErrors.SwapUnsupported(mem);
            bool growing = m > (CgroupFiles.ReadLong(mem, "memory.limit_in_bytes") ?? long.MaxValue);
            if (hasMemsw && growing) WriteMemoryFile(mem, "memory.memsw.limit_in_bytes", memsw);
            WriteMemoryFile(mem, "memory.limit_in_bytes", m);
            if (hasMemsw && !growing) WriteMemoryFile(mem, "memory.memsw.limit_in_bytes", memsw);
        }

        /// <summary>Lowering a limit below usage: the kernel reclaims, and answers EBUSY if it cannot get under it.</summary>
        private static void WriteMemoryFile(string mem, string file, long value)
        {
            try { CgroupFiles.Write(mem, file, value.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
            catch (MiniDockerException e) when (CgroupFiles.Errno(e) == CgroupFiles.EBUSY)
            {
                throw CgroupErrors.MemoryBelowUsage(mem, value, e);
            }
        }

        public IReadOnlyList<string> ProcsFiles(ContainerCgroup cg) =>
            cg.Directories.Select(d => Path.Combine(d, "cgroup.procs")).ToList();

        public void KillAll(ContainerCgroup cg)
        {
            // Freeze first so nothing can fork while we kill; thaw so the SIGKILLs are delivered.
            string? freezer = DirOf(cg, "freezer");
            string? any = freezer ?? cg.Directories.FirstOrDefault();
            if (any == null || !Directory.Exists(any) || !CgroupFiles.Pids(any).Any()) return; // nothing to kill: skip the freeze
            if (freezer != null) TryFreeze(freezer);
            foreach (int pid in CgroupFiles.Pids(any)) Syscalls.Kill(pid, Syscalls.SIGKILL_);
            if (freezer != null) CgroupFiles.Write(freezer, "freezer.state", "THAWED");
        }

        public void Freeze(ContainerCgroup cg)
        {
            string freezer = DirOf(cg, "freezer") ?? throw MissingHierarchy("freezer");
            if (TryFreeze(freezer)) return;
            CgroupFiles.Write(freezer, "freezer.state", "THAWED");
            throw CgroupErrors.FreezeTimeout(freezer);
        }

        /// <summary>FROZEN is reached once every task has stopped; until then the state reads FREEZING.</summary>
        private static bool TryFreeze(string freezer)
        {
            CgroupFiles.Write(freezer, "freezer.state", "FROZEN");
            return CgroupFiles.WaitFor(() => (CgroupFiles.Read(freezer, "freezer.state") ?? "").Trim() == "FROZEN", TimeSpan.FromSeconds(5));
        }

        public void Thaw(ContainerCgroup cg)
        {
            string freezer = DirOf(cg, "freezer") ?? throw MissingHierarchy("freezer");
            CgroupFiles.Write(freezer, "freezer.state", "THAWED");
            CgroupFiles.WaitFor(() => (CgroupFiles.Read(freezer, "freezer.state") ?? "").Trim() == "THAWED", TimeSpan.FromSeconds(5));
        }

        public ContainerStats ReadStats(ContainerCgroup cg)
        {
            var stats = new ContainerStats { Timestamp = DateTime.UtcNow };
            if (DirOf(cg, "memory") is string mem)
            {
                stats.MemoryUsage = CgroupFiles.ReadLong(mem, "memory.usage_in_bytes") ?? 0;
                stats.MemoryPeak = CgroupFiles.ReadLong(mem, "memory.max_usage_in_bytes");
                stats.MemoryLimit = CgroupFiles.ReadLong(mem, "memory.limit_in_bytes") is long l && l < V1Unlimited ? l : null;
                stats.OomKills = CgroupFiles.ReadKey(mem, "memory.oom_control", "oom_kill") ?? 0;
            }
            if (DirOf(cg, "cpuacct") is string acct)
                stats.CpuTime = TimeSpan.FromTicks((CgroupFiles.ReadLong(acct, "cpuacct.usage") ?? 0) / 100);
            if (DirOf(cg, "pids") is string pids)
            {
                stats.PidsCurrent = CgroupFiles.ReadLong(pids, "pids.current") ?? 0;
                stats.PidsLimit = CgroupFiles.ReadLong(pids, "pids.max");
            }
            return stats;
        }

        /// <summary>v1 reports "no memory limit" as the largest page-aligned long; anything this big is unlimited.</summary>
        private const long V1Unlimited = 1L << 62;

        private static MiniDockerException MissingHierarchy(string controller) =>
            new("CgroupControllerMissing", FailureKind.NotInstalled, $"The container has no cgroup in the v1 '{controller}' hierarchy.", controller);

        public long OomKillCount(ContainerCgroup cg) =>
            DirOf(cg, "memory") is string mem ? CgroupFiles.ReadKey(mem, "memory.oom_control", "oom_kill") ?? 0 : 0;

        public void Remove(ContainerCgroup cg)
        {
            // The shared parent stays, as Docker's does: removing it with the last container made the next start
            // make it again in seven hierarchies (about 0.3 ms of kernel CPU per container, under the global
            // cgroup mutex), and let a remove take a parent away from a start running beside it.
            foreach (var dir in cg.Directories)
                CgroupFiles.RemoveDirectory(dir);
        }
    }
}
