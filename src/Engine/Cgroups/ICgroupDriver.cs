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

        /// <summary>Creates the container's cgroup with LIMITS written; nothing is left behind when it throws.</summary>
        ContainerCgroup Create(string containerId, ResourceLimits limits);

        /// <summary>Writes LIMITS into an existing cgroup (at create, and live on a running container).</summary>
        void Apply(ContainerCgroup cgroup, ResourceLimits limits);

        /// <summary>The cgroup.procs files the helper writes the init's pid into, before the init runs.</summary>
        IReadOnlyList<string> ProcsFiles(ContainerCgroup cgroup);

        /// <summary>SIGKILL every process in the cgroup, including ones that left the PID namespace's view.</summary>
        void KillAll(ContainerCgroup cgroup);

        /// <summary>How many times the kernel's OOM killer killed a process in this cgroup.</summary>
        long OomKillCount(ContainerCgroup cgroup);

        /// <summary>Removes the container's cgroup (and the shared parent when it is empty). Idempotent.</summary>
        void Remove(ContainerCgroup cgroup);
    }
}
