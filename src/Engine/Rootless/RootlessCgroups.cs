using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>Whether a rootless caller may make cgroups: only in a cgroup v2 subtree delegated to it (writable by it).</summary>
    public static class RootlessCgroups
    {
        private const int W_OK = 2;
        [DllImport("libc", EntryPoint = "access", SetLastError = true)] private static extern int Access(string path, int mode);

        /// <summary>
        /// The v2 directory the driver would make containers in: next to this process's own cgroup (no internal
        /// processes), so its parent, which a delegation (systemd's user@UID.service) makes ours.
        /// </summary>
        public static string? DelegatedDirectory(CgroupLayout layout)
        {
            if (layout.Mode != CgroupMode.Unified || layout.UnifiedMount == null) return null;
            string own = Path.Combine(layout.UnifiedMount, layout.UnifiedOwnPath.TrimStart('/'));
            string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(own));
            return parent != null && Access(parent, W_OK) == 0 && Access(Path.Combine(parent, "cgroup.subtree_control"), W_OK) == 0 ? parent : null;
        }

        /// <summary>Null when containers can have cgroups of their own; else why not, for the error.</summary>
        public static string? WhyNotDelegated(CgroupLayout layout) =>
            layout.Mode != CgroupMode.Unified
                ? "this host has cgroup v1 (or hybrid), whose hierarchies an ordinary user cannot write"
                : DelegatedDirectory(layout) == null
                    ? $"no writable cgroup v2 subtree is delegated to you (the parent of {layout.UnifiedOwnPath} is not yours)"
                    : null;

        /// <summary>The controllers the delegated subtree offers (its cgroup.controllers); empty without delegation.</summary>
        public static IReadOnlyList<string> DelegatedControllers(CgroupLayout layout) =>
            DelegatedDirectory(layout) is string dir && File.Exists(Path.Combine(dir, "cgroup.controllers"))
                ? File.ReadAllText(Path.Combine(dir, "cgroup.controllers")).Split((char[]?)null, System.StringSplitOptions.RemoveEmptyEntries)
                : new List<string>();
    }
}
