using System.Collections.Generic;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>One container's cgroup: a directory per v1 hierarchy, or one v2 directory.</summary>
    public sealed class ContainerCgroup
    {
        public ContainerCgroup(IReadOnlyList<string> directories) => Directories = directories;
        public IReadOnlyList<string> Directories { get; }
    }

    /// <summary>How the engine uses cgroups, the same for v1 and v2.</summary>
    public interface ICgroupDriver
    {
        CgroupMode Mode { get; }

        /// <summary>
        /// Creates the container's cgroup with LIMITS written and device access cut to DEVICES (v1: the devices
        /// controller; v2: a BPF_PROG_TYPE_CGROUP_DEVICE program), all before any process joins it; null DEVICES
        /// leaves every device usable (-Privileged). Nothing is left behind when it throws.
        /// </summary>
        ContainerCgroup Create(string containerId, ResourceLimits limits, IReadOnlyList<DeviceRule>? devices = null);

        /// <summary>The container's cgroup directories that exist now (none: an empty list), found by id alone.</summary>
        ContainerCgroup Locate(string containerId);

        /// <summary>
        /// Writes the limits LIMITS sets into an existing cgroup (at create, and live on a running container).
        /// Memory is written first, so a refused memory limit (MemoryBelowUsage on v1) changes nothing else.
        /// </summary>
        void Apply(ContainerCgroup cgroup, ResourceLimits limits);

        /// <summary>The cgroup.procs files naming the cgroups the helper puts the init in before it runs (by pid, or on v1 the init moves itself, on v2 it is cloned into it: docs/launch-plan.md, `cgroup`).</summary>
        IReadOnlyList<string> ProcsFiles(ContainerCgroup cgroup);

        /// <summary>SIGKILL every process in the cgroup, including ones that left the PID namespace's view.</summary>
        void KillAll(ContainerCgroup cgroup);

        /// <summary>Stops every process in the cgroup (freezer) and returns once the kernel reports it frozen.</summary>
        void Freeze(ContainerCgroup cgroup);

        /// <summary>Lets a frozen cgroup run again.</summary>
        void Thaw(ContainerCgroup cgroup);

        /// <summary>Memory, CPU time, pids and OOM kills as the cgroup's own files report them.</summary>
        ContainerStats ReadStats(ContainerCgroup cgroup);

        /// <summary>How many times the kernel's OOM killer killed a process in this cgroup.</summary>
        long OomKillCount(ContainerCgroup cgroup);

        /// <summary>Removes the container's cgroup (and the shared parent when it is empty). Idempotent.</summary>
        void Remove(ContainerCgroup cgroup);
    }
}
