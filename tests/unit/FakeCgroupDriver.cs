using System.Collections.Generic;
using System.IO;
using System.Linq;
using MiniDocker.Engine;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Tests
{
    /// <summary>
    /// The real v1 driver over a <see cref="FakeCgroupTree"/>, with the two things only the kernel does on cgroupfs:
    /// a process that ended leaves cgroup.procs, and rmdir takes a cgroup's control files with it. Its KillAll sends
    /// real SIGKILLs to the (fake helper's) processes listed. FailCreate makes Create throw, as a full cgroupfs would.
    /// </summary>
    public sealed class FakeCgroupDriver : ICgroupDriver
    {
        private static readonly string[] Hierarchies = { "memory", "pids", "cpu", "cpuacct", "cpuset", "freezer", "devices" };
        public static int HierarchyCount => Hierarchies.Length;
        private readonly CgroupV1Driver _inner;

        public FakeCgroupDriver(FakeCgroupTree tree)
        {
            Tree = tree;
            var v1 = new Dictionary<string, (string, string)>();
            foreach (var h in Hierarchies) v1[h] = (tree.Path_(h), "/own");
            tree.Write("cpuset/own/cpuset.cpus", "0-1\n");
            tree.Write("cpuset/own/cpuset.mems", "0\n");
            _inner = new CgroupV1Driver(new CgroupLayout { Mode = CgroupMode.Hybrid, V1 = v1 }, parentOption: "md");
        }

        public FakeCgroupTree Tree { get; }

        public MiniDockerException? FailCreate { get; set; }

        /// <summary>Every container cgroup directory that exists in the tree.</summary>
        public IReadOnlyList<string> ContainerDirectories() =>
            Hierarchies.Select(h => Tree.Path_(h, "own", "md")).Where(Directory.Exists).SelectMany(Directory.EnumerateDirectories).ToList();

        public CgroupMode Mode => _inner.Mode;

        public ContainerCgroup Create(string containerId, ResourceLimits limits, IReadOnlyList<DeviceRule>? devices = null)
        {
            if (FailCreate != null) throw FailCreate;
            return _inner.Create(containerId, limits, devices);
        }

        public ContainerCgroup Locate(string containerId) => _inner.Locate(containerId);
        public void Apply(ContainerCgroup cgroup, ResourceLimits limits) => _inner.Apply(cgroup, limits);
        public IReadOnlyList<string> ProcsFiles(ContainerCgroup cgroup) => _inner.ProcsFiles(cgroup);

        public void KillAll(ContainerCgroup cgroup)
        {
            DropEnded(cgroup);
            _inner.KillAll(cgroup);
        }

        public void Freeze(ContainerCgroup cgroup) => _inner.Freeze(cgroup);
        public void Thaw(ContainerCgroup cgroup) => _inner.Thaw(cgroup);
        public ContainerStats ReadStats(ContainerCgroup cgroup) => _inner.ReadStats(cgroup);
        public long OomKillCount(ContainerCgroup cgroup) => _inner.OomKillCount(cgroup);

        public void Remove(ContainerCgroup cgroup)
        {
            foreach (var dir in cgroup.Directories.Where(Directory.Exists))
            {
                string procs = Path.Combine(dir, "cgroup.procs");
                // The kernel refuses (EBUSY) while a process is in it; a SIGKILLed one leaves within moments.
                foreach (var line in File.Exists(procs) ? File.ReadAllLines(procs) : new string[0])
                    if (int.TryParse(line, out var p)) FakeHelperRunner.WaitGone(p);
                foreach (var f in Directory.EnumerateFiles(dir)) File.Delete(f);
            }
            _inner.Remove(cgroup);
        }

        /// <summary>What the kernel does by itself: a process that has ended is no longer listed.</summary>
        private static void DropEnded(ContainerCgroup cgroup)
        {
            foreach (var procs in cgroup.Directories.Select(d => Path.Combine(d, "cgroup.procs")).Where(File.Exists))
                File.WriteAllLines(procs, File.ReadAllLines(procs).Where(l => int.TryParse(l, out var p) && ProcessInfo.StartTime(p) != null));
        }
    }
}
