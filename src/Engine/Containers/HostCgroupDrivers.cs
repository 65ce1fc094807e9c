using System.Collections.Concurrent;
using System.IO;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Engine.Containers
{
    /// <summary>
    /// The host's cgroup driver, detected once per process for each parent option. Every cmdlet makes its own engine, and
    /// detection (statfs, /proc/self/cgroup, the whole of /proc/self/mountinfo) was ~0.17 ms of CPU for each of them:
    /// 2–3 times per New | Start | Wait | Remove. The drivers hold only the layout and the parent option, so one serves all.
    /// </summary>
    internal static class HostCgroupDrivers
    {
        // Keyed by the process's own cgroup too: a process moved to another cgroup places its containers anew.
        private static readonly ConcurrentDictionary<(string? Parent, string SelfCgroup), ICgroupDriver> Detected = new();

        public static ICgroupDriver For(string? parentOption)
        {
            // Rootless: delegation can be granted while a session runs (a new login, systemd-run), so it is looked at each time.
            if (Rootless.RootlessMode.IsRootless) return CgroupDriver.ForHost(parentOption);
            string self;
            try { self = File.ReadAllText("/proc/self/cgroup"); }
            catch (IOException) { return CgroupDriver.ForHost(parentOption); }
            // A detection that throws (no cgroupfs, a controller missing) is not kept: the next command says it again.
            return Detected.GetOrAdd((parentOption, self), key => CgroupDriver.ForHost(key.Parent));
        }
    }
}
