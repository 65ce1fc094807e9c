using System;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Engine
{
    /// <summary>Limits, stats and the freezer: what a container may use, what it uses, and pausing it.</summary>
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Changes the limits REQUEST names. A Running or Paused container gets them written into its cgroup at
        /// once (memory first: a refused memory limit changes nothing); a Created or Exited one keeps them for its
        /// next start. Everything is validated before anything is written.
        /// </summary>
        public Container UpdateLimits(string id, LimitRequest request)
        {
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State == ContainerState.Dead)
                throw new MiniDockerException("ContainerDead", FailureKind.InvalidOperation,
                    (p, op) => $"Container '{c.Name}' is dead ({c.Error ?? "its monitor and init vanished"}); its limits cannot be changed. Remove it with {op("RemoveContainer")}.", c);
            var limits = request.ApplyTo(c.Limits, HostCpus.Current());
            if (c.State is ContainerState.Running or ContainerState.Paused && c.CgroupPaths.Count > 0)
                Cgroups.Apply(new ContainerCgroup(c.CgroupPaths), limits);
            c.Limits = limits;
            _store.Save(c);
            return c.ToContainer();
        }

        /// <summary>One sample of a running or paused container's resource use, from its cgroup.</summary>
        public ContainerStats Stats(string id)
        {
            var c = GetRecord(id) ?? throw NotFound(id);
            if (c.State is not (ContainerState.Running or ContainerState.Paused) || c.CgroupPaths.Count == 0)
                throw new MiniDockerException("ContainerNotRunning", FailureKind.InvalidOperation,
                    $"Container '{c.Name}' is {c.State.ToString().ToLowerInvariant()}: only a running or paused container has figures to read.", c);
            var stats = Cgroups.ReadStats(new ContainerCgroup(c.CgroupPaths));
            stats.Id = c.Id;
            stats.Name = c.Name;
            stats.State = c.State;
            return stats;
        }

        /// <summary>Freezes every process of a running container (cgroup freezer); state Paused.</summary>
        public Container Pause(string id)
        {
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State == ContainerState.Paused)
                throw new MiniDockerException("ContainerAlreadyPaused", FailureKind.InvalidOperation, $"Container '{c.Name}' is already paused.", c);
            if (c.State != ContainerState.Running)
                throw new MiniDockerException("ContainerNotRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is not running (state {c.State}); only a running container can be paused.", c);
            Cgroups.Freeze(new ContainerCgroup(c.CgroupPaths));
            c.State = ContainerState.Paused;
            _store.Save(c);
            RecordEvent("pause", c);
            return c.ToContainer();
        }

        /// <summary>Thaws a paused container; state Running.</summary>
        public Container Unpause(string id)
        {
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State != ContainerState.Paused)
                throw new MiniDockerException("ContainerNotPaused", FailureKind.InvalidOperation, $"Container '{c.Name}' is not paused (state {c.State}).", c);
            Cgroups.Thaw(new ContainerCgroup(c.CgroupPaths));
            c.State = ContainerState.Running;
            _store.Save(c);
            RecordEvent("unpause", c);
            return c.ToContainer();
        }
    }
}
