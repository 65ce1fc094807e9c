using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Cgroups
{
    public enum CgroupMode { Unified, Hybrid, Legacy }

    /// <summary>
    /// What this host's cgroups look like, read from the filesystem (statfs, /proc/self/mountinfo,
    /// /proc/self/cgroup), never guessed from a path.
    /// </summary>
    public sealed class CgroupLayout
    {
        public CgroupMode Mode { get; init; }
        /// <summary>v2 mount point (for Unified: /sys/fs/cgroup).</summary>
        public string? UnifiedMount { get; init; }
        /// <summary>This process's v2 cgroup path ("0::PATH").</summary>
        public string UnifiedOwnPath { get; init; } = "/";
        /// <summary>v1 controllers: controller name → (mount point, this process's path in that hierarchy).</summary>
        public IReadOnlyDictionary<string, (string Mount, string OwnPath)> V1 { get; init; } =
            new Dictionary<string, (string, string)>();

        public const string DefaultRoot = "/sys/fs/cgroup";

        public static CgroupLayout Detect(string root = DefaultRoot)
        {
            long? magic = Syscalls.FilesystemType(root);
            string selfCgroup = File.ReadAllText("/proc/self/cgroup");
            string mountinfo = File.ReadAllText("/proc/self/mountinfo");
            if (magic == Syscalls.Cgroup2SuperMagic)
                return new CgroupLayout { Mode = CgroupMode.Unified, UnifiedMount = root, UnifiedOwnPath = ParseUnifiedPath(selfCgroup) };
            if (magic == Syscalls.TmpfsMagic)
                return FromV1(selfCgroup, mountinfo, root);
            throw new MiniDockerException("CgroupsNotMounted", FailureKind.NotInstalled,
                $"{root} is neither a cgroup2 filesystem nor a tmpfs holding cgroup v1 hierarchies; mount cgroups there (e.g. 'mount -t cgroup2 none {root}').", root);
        }

        public static string ParseUnifiedPath(string selfCgroup) =>
            selfCgroup.Split('\n').Select(l => l.Split(':', 3))
                .FirstOrDefault(f => f.Length == 3 && f[0] == "0" && f[1] == "")?[2].Trim() ?? "/";

        /// <summary>v1 (or hybrid) layout: one mount per controller set; the own path per controller from /proc/self/cgroup.</summary>
        public static CgroupLayout FromV1(string selfCgroup, string mountinfo, string root = DefaultRoot)
        {
            var ownPaths = new Dictionary<string, string>();
            foreach (var line in selfCgroup.Split('\n'))
            {
                var f = line.Split(':', 3);
                if (f.Length != 3 || f[1] == "") continue;
                foreach (var c in f[1].Split(',')) ownPaths[c] = f[2].Trim();
            }
            var v1 = new Dictionary<string, (string, string)>();
            string? unified = null;
            foreach (var line in mountinfo.Split('\n'))
            {
                // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
                int dash = line.IndexOf(" - ", StringComparison.Ordinal);
                if (dash < 0) continue;
                var left = line.Substring(0, dash).Split(' ');
                var right = line.Substring(dash + 3).Split(' ');
                if (left.Length < 5 || right.Length < 3) continue;
                string mountPoint = left[4];
                if (!mountPoint.StartsWith(root + "/", StringComparison.Ordinal)) continue;
                if (right[0] == "cgroup2") { unified = mountPoint; continue; }
                if (right[0] != "cgroup") continue;
                foreach (var opt in right[2].Split(','))
                    if (ownPaths.TryGetValue(opt, out var own)) v1[opt] = (mountPoint, own);
            }
            if (v1.Count == 0)
                throw new MiniDockerException("CgroupsNotMounted", FailureKind.NotInstalled,
                    $"{root} is a tmpfs but no cgroup v1 hierarchy is mounted under it; mount cgroup2 at {root} or the v1 controllers under it.", root);
            return new CgroupLayout
            {
                Mode = unified != null ? CgroupMode.Hybrid : CgroupMode.Legacy,
                UnifiedMount = unified,
                UnifiedOwnPath = ParseUnifiedPath(selfCgroup),
                V1 = v1,
            };
        }
    }
}
