using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Engine
{
    /// <summary>Smaller docker verbs: kill -s, rename, info.</summary>
    public sealed partial class ContainerEngine
    {
        /// <summary>Sends SIGNAL (a name or number, see <see cref="Signals.Parse"/>) to the container's init only; no TERM-then-KILL.</summary>
        public Container Kill(string id, string signal)
        {
            int number = Signals.Parse(signal);
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State is not (ContainerState.Running or ContainerState.Paused))
                throw new MiniDockerException("ContainerNotRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is not running (state {c.State}).", c);
            // The start-time check keeps a recycled PID from getting the signal.
            if (ProcessInfo.IsSame(c.Pid, c.PidStartTime)) Syscalls.Kill(c.Pid!.Value, number);
            RecordEvent("kill", c, signal);
            return c.ToContainer();
        }

        /// <summary>Gives the container NEWNAME: same rules and uniqueness as at New, checked under the store lock.</summary>
        public Container Rename(string id, string newName)
        {
            ContainerStore.ValidateName(newName);
            // Store lock first, then the container's (the order New and the orphan sweep use).
            using (_store.Lock())
            using (_store.Lock(id))
            {
                var c = _store.Load(id) ?? throw NotFound(id);
                if (c.Name == newName) return (Reconcile(c) ?? c).ToContainer();
                if (Names.InUse(newName, exceptId: id)) throw NameInUse(newName);
                // New entry, record, old entry: killed anywhere in between, the record still names an indexed name.
                Names.Claim(newName, id);
                string oldName = c.Name;
                c.Name = newName;
                try { _store.Save(c); }
                catch { Names.Release(newName, id); throw; }
                Names.Release(oldName, id);
                RecordEvent("rename", c, oldName);
                RenameInNetwork(c, oldName);
                return (Reconcile(c) ?? c).ToContainer();
            }
        }

        /// <summary>What docker info and docker version tell: the host's cgroups and kernel, the engine's roots and helper, the counts.</summary>
        public SystemInfo Info()
        {
            var layout = CgroupLayout.Detect();
            IReadOnlyList<string> controllers = layout.Mode == CgroupMode.Unified
                ? ReadWords(Path.Combine(layout.UnifiedMount!, "cgroup.controllers"))
                : layout.V1.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            var containers = List();
            string exe = SealedHelper.ExecutablePath(_options.HelperPath);
            var rootless = Rootless.RootlessProbe.Collect(layout);
            return new SystemInfo
            {
                Rootless = rootless,
                CgroupMode = layout.Mode switch { CgroupMode.Unified => "v2", CgroupMode.Hybrid => "v1 hybrid", _ => "v1" },
                CgroupControllers = controllers,
                KernelRelease = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
                HelperPath = _options.HelperPath,
                HelperExists = File.Exists(_options.HelperPath),
                // A memfd copy is exec'd as /proc/self/fd/N; otherwise the file itself runs (and seals itself).
                HelperSealed = exe.StartsWith("/proc/self/fd/", StringComparison.Ordinal),
                StateRoot = _options.StateRoot,
                RunRoot = _options.RunRoot,
                CgroupParent = _options.CgroupParent,
                Containers = containers.Count,
                ContainersByState = Enum.GetValues<ContainerState>().ToDictionary(s => s.ToString(), s => containers.Count(c => c.State == s)),
                Images = Images.Records().Count,
            };
        }

        private static IReadOnlyList<string> ReadWords(string path) =>
            File.Exists(path) ? File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) : Array.Empty<string>();
    }

    /// <summary>The result of <see cref="ContainerEngine.Info"/>; the module adds its own version.</summary>
    public sealed class SystemInfo
    {
        public string CgroupMode { get; init; } = "";
        public IReadOnlyList<string> CgroupControllers { get; init; } = Array.Empty<string>();
        public string KernelRelease { get; init; } = "";
        public string HelperPath { get; init; } = "";
        public bool HelperExists { get; init; }
        public bool HelperSealed { get; init; }
        public string StateRoot { get; init; } = "";
        public string RunRoot { get; init; } = "";
        public string? CgroupParent { get; init; }
        public int Containers { get; init; }
        public IReadOnlyDictionary<string, int> ContainersByState { get; init; } = new Dictionary<string, int>();
        public int Images { get; init; }
        /// <summary>The mode (root or rootless) and what rootless mode finds: subordinate ids, uidmap tools, delegation, overlay, pasta.</summary>
        public Rootless.RootlessProbe Rootless { get; init; } = new();
    }
}
