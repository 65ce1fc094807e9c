using System;
using System.Collections.Generic;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>
    /// Rootless without a delegated, writable cgroup subtree (cgroup v1, or v2 without systemd's Delegate=): containers
    /// run in the caller's own cgroup, and whatever needs a cgroup of their own (a limit, pause, stats) fails with
    /// RootlessCgroupUnavailable saying what to enable. Stop then kills the init (its PID namespace goes with it).
    /// </summary>
    public sealed class NoCgroupDriver : ICgroupDriver
    {
        private static readonly ContainerCgroup None = new(Array.Empty<string>());
        private readonly string _why;

        public NoCgroupDriver(CgroupMode mode, string why)
        {
            Mode = mode;
            _why = why;
        }

        public CgroupMode Mode { get; }

        /// <summary>WHAT (given the parameter-name formatter) cannot be had without a cgroup: the error, with what to enable.</summary>
        public MiniDockerException Unavailable(Func<Func<string, string>, string> what, object? target) =>
            new("RootlessCgroupUnavailable", FailureKind.NotInstalled, (p, op) =>
                $"{what(p)} needs a cgroup of the container's own, and rootless containers get one only in a delegated cgroup v2 subtree: {_why}. " +
                "On a cgroup v2 host with systemd, run as root: mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' " +
                "> /etc/systemd/system/user@.service.d/delegate.conf && systemctl daemon-reload, then log in again; or run the container as root.", target);

        /// <summary>The pids limit every container gets by default is dropped (nothing could enforce it); any limit the caller set is refused.</summary>
        public ContainerCgroup Create(string containerId, ResourceLimits limits, IReadOnlyList<DeviceRule>? devices = null)
        {
            if (limits.MemoryBytes != null || limits.MemorySwapBytes != null || limits.Cpus != null || limits.CpuShares != null || limits.CpusetCpus != null
                || (limits.PidsLimit is long p && p != ResourceLimits.DefaultPidsLimit))
                throw Unavailable(_ => "A resource limit", containerId);
            return None;
        }

        public ContainerCgroup Locate(string containerId) => None;
        public void Apply(ContainerCgroup cgroup, ResourceLimits limits) => throw Unavailable(_ => "A resource limit", null);
        public IReadOnlyList<string> ProcsFiles(ContainerCgroup cgroup) => Array.Empty<string>();
        public void KillAll(ContainerCgroup cgroup) { }
        public void Freeze(ContainerCgroup cgroup) => throw Unavailable(_ => "Pausing a container", null);
        public void Thaw(ContainerCgroup cgroup) { }
        public ContainerStats ReadStats(ContainerCgroup cgroup) => throw Unavailable(_ => "Resource statistics", null);
        public long OomKillCount(ContainerCgroup cgroup) => 0;
        public void Remove(ContainerCgroup cgroup) { }
    }
}
