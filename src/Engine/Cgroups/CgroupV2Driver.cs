using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>cgroup v2 (unified): one directory per container under a parent with controllers delegated.</summary>
    public sealed class CgroupV2Driver : ICgroupDriver
    {
        private static readonly string[] WantedControllers = { "cpu", "memory", "pids", "cpuset" };
        private static readonly string[] RequiredControllers = { "memory", "pids" };

        private readonly string _mount;
        private readonly string _parentDir;

        public CgroupV2Driver(CgroupLayout layout, string? parentOption)
        {
            _mount = layout.UnifiedMount ?? CgroupLayout.DefaultRoot;
            // v2 forbids processes in a cgroup that delegates controllers, and the caller's own cgroup has the caller in it:
            // a relative parent (and the default "minidocker") is a sibling of the caller's cgroup, or under / at the root.
            string own = layout.UnifiedOwnPath;
            string callersParent = own == "/" ? "/" : (Path.GetDirectoryName(own.TrimEnd('/')) ?? "/");
            string parent = CgroupFiles.ResolveParent(parentOption, callersParent, "minidocker");
            _parentDir = Path.Combine(_mount, parent.TrimStart('/'));
        }

        public CgroupMode Mode => CgroupMode.Unified;

        public ContainerCgroup Locate(string containerId) =>
            new(Directory.Exists(Path.Combine(_parentDir, containerId)) ? new[] { Path.Combine(_parentDir, containerId) } : Array.Empty<string>());

        public ContainerCgroup Create(string containerId, ResourceLimits limits, IReadOnlyList<DeviceRule>? devices = null)
        {
            string dir = Path.Combine(_parentDir, containerId);
            // A parallel remove may take the empty parent away before the leaf's mkdir (ENOENT): make it again.
            for (int attempt = 0; ; attempt++)
            {
                try { EnsureParent(); }
                catch (MiniDockerException) when (attempt < 3) { continue; } // the parent went away between its mkdir and subtree_control
                int err = CgroupFiles.MakeDirectory(dir);
                if (err == 0) break;
                if (err != CgroupFiles.ENOENT || attempt >= 10) throw CgroupFiles.MkdirFailed(dir, err);
            }
            var cg = new ContainerCgroup(new[] { dir });
            try
            {
                Apply(cg, limits);
                if (devices != null) DeviceFilter.Attach(dir, devices);
            }
            catch { Remove(cg); throw; }
            return cg;
        }

        /// <summary>Creates the parent chain and enables the controllers in each level's subtree_control.</summary>
        private void EnsureParent()
        {
            string available = (CgroupFiles.Read(_mount, "cgroup.controllers") ?? "");
            foreach (var c in RequiredControllers)
                if (!available.Split(' ', '\n').Contains(c))
                    throw new MiniDockerException("CgroupControllerMissing", FailureKind.NotInstalled,
                        $"The cgroup v2 '{c}' controller is not available in {_mount}/cgroup.controllers ('{available.Trim()}'). " +
                        "On WSL, make sure no v1 hierarchy claims it (hybrid mode) and that the distro runs with cgroup v2 only.", c);

            var chain = new List<string>();
            for (string d = _parentDir; d.Length > _mount.Length; d = Path.GetDirectoryName(d)!) chain.Add(d);
            chain.Add(_mount);
            chain.Reverse(); // mount, ..., parent
            for (int i = 0; i < chain.Count; i++)
            {
                string d = chain[i];
                if (CgroupFiles.MakeDirectory(d) is int err && err != 0) throw CgroupFiles.MkdirFailed(d, err);
                string have = CgroupFiles.Read(d, "cgroup.controllers") ?? "";
                string enabled = CgroupFiles.Read(d, "cgroup.subtree_control") ?? "";
                var toEnable = WantedControllers.Where(c => have.Split(' ', '\n').Contains(c) && !enabled.Split(' ', '\n').Contains(c)).ToList();
                if (toEnable.Count == 0) continue;
                try { CgroupFiles.Write(d, "cgroup.subtree_control", string.Join(" ", toEnable.Select(c => "+" + c))); }
                catch (MiniDockerException e)
                {
                    throw new MiniDockerException("CgroupDelegationFailed", FailureKind.PermissionDenied,
                        $"Could not enable controllers {string.Join(",", toEnable)} in {d}/cgroup.subtree_control ({e.InnerException?.Message}). " +
                        "cgroup v2 refuses this while processes live directly in that cgroup; set MINIDOCKER_CGROUP_PARENT to a cgroup without processes of its own.", d, e);
                }
            }
        }

        public void Apply(ContainerCgroup cg, ResourceLimits limits)
        {
            string dir = cg.Directories[0];
            if (limits.MemoryBytes is long m)
            {
                bool hasSwap = File.Exists(Path.Combine(dir, "memory.swap.max"));
                if (!hasSwap && limits.MemorySwapBytes is long asked && asked != m) throw CgroupErrors.SwapUnsupported(dir);
                // Below current usage v2 accepts the limit, reclaims, and OOM-kills if reclaim cannot get under it.
                CgroupFiles.Write(dir, "memory.max", m.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (hasSwap)
                    CgroupFiles.Write(dir, "memory.swap.max", limits.MemorySwapBytes switch
                    {
                        -1 => "max",
                        long total => (total - m).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        null => "0",
                    });
            }
            CgroupFiles.Write(dir, "pids.max", limits.PidsLimit is long pl ? pl.ToString(System.Globalization.CultureInfo.InvariantCulture) : "max");
            if (limits.Cpus is double cpus) CgroupFiles.Write(dir, "cpu.max", FormattableString.Invariant($"{(long)Math.Round(cpus * 100000)} 100000"));
            if (limits.CpuShares is long shares) CgroupFiles.Write(dir, "cpu.weight", SharesToWeight(shares).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (limits.CpusetCpus is string set) CgroupFiles.Write(dir, "cpuset.cpus", set);
        }

        /// <summary>
        /// v1 shares [2, 262144] onto v2 weight [1, 10000] as crun maps them since it dropped the linear formula:
        /// on a log2 scale, a quadratic through the two ends and the defaults, so 1024 (v1's default) becomes 100 (v2's).
        /// </summary>
        public static long SharesToWeight(long shares)
        {
            if (shares <= 2) return 1;
            if (shares >= 262144) return 10000;
            double l = Math.Log2(shares);
            double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
            return Math.Clamp((long)Math.Round(Math.Pow(10, exponent)), 1, 10000);
        }

        public IReadOnlyList<string> ProcsFiles(ContainerCgroup cg) => new[] { Path.Combine(cg.Directories[0], "cgroup.procs") };

        public void KillAll(ContainerCgroup cg)
        {
            string dir = cg.Directories[0];
            if (!Directory.Exists(dir)) return;
            if (File.Exists(Path.Combine(dir, "cgroup.kill"))) { CgroupFiles.Write(dir, "cgroup.kill", "1"); return; }
            // Kernels before 5.14: freeze, kill, thaw.
            CgroupFiles.Write(dir, "cgroup.freeze", "1");
            foreach (int pid in CgroupFiles.Pids(dir)) Syscalls.Kill(pid, Syscalls.SIGKILL_);
            CgroupFiles.Write(dir, "cgroup.freeze", "0");
        }

        public void Freeze(ContainerCgroup cg) => SetFrozen(cg.Directories[0], true);

        public void Thaw(ContainerCgroup cg) => SetFrozen(cg.Directories[0], false);

        /// <summary>cgroup.freeze asks; cgroup.events "frozen 1" says every task has stopped.</summary>
        private static void SetFrozen(string dir, bool frozen)
        {
            string want = frozen ? "1" : "0";
            CgroupFiles.Write(dir, "cgroup.freeze", want);
            if (CgroupFiles.WaitFor(() => CgroupFiles.ReadKey(dir, "cgroup.events", "frozen")?.ToString(System.Globalization.CultureInfo.InvariantCulture) == want, TimeSpan.FromSeconds(5)) || !frozen) return;
            CgroupFiles.Write(dir, "cgroup.freeze", "0");
            throw CgroupErrors.FreezeTimeout(dir);
        }

        public ContainerStats ReadStats(ContainerCgroup cg)
        {
            string dir = cg.Directories[0];
            return new ContainerStats
            {
                Timestamp = DateTime.UtcNow,
                MemoryUsage = CgroupFiles.ReadLong(dir, "memory.current") ?? 0,
                MemoryPeak = CgroupFiles.ReadLong(dir, "memory.peak"),
                MemoryLimit = CgroupFiles.ReadLong(dir, "memory.max"),
                CpuTime = TimeSpan.FromTicks((CgroupFiles.ReadKey(dir, "cpu.stat", "usage_usec") ?? 0) * 10),
                PidsCurrent = CgroupFiles.ReadLong(dir, "pids.current") ?? 0,
                PidsLimit = CgroupFiles.ReadLong(dir, "pids.max"),
                OomKills = OomKillCount(cg),
            };
        }

        public long OomKillCount(ContainerCgroup cg) => CgroupFiles.ReadKey(cg.Directories[0], "memory.events", "oom_kill") ?? 0;

        public void Remove(ContainerCgroup cg)
        {
            foreach (var dir in cg.Directories) CgroupFiles.RemoveDirectory(dir);
            CgroupFiles.RemoveIfEmpty(_parentDir);
        }
    }
}
