using System;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>
    /// How a rootless container's ids map to the host: container 0 is the user, 1..N the user's subordinate range
    /// (written by newuidmap/newgidmap, Debian's uidmap); with no range (or no tools) only 0 is mapped, which the
    /// helper writes itself (setgroups denied): files of other owners in an image then cannot be represented.
    /// </summary>
    public sealed class IdMapping
    {
        public string UidMap { get; init; } = "";
        public string GidMap { get; init; } = "";
        /// <summary>Paths of newuidmap/newgidmap; empty for the single mapping.</summary>
        public string NewUidMap { get; init; } = "";
        public string NewGidMap { get; init; } = "";
        public bool IsSingle => NewUidMap.Length == 0;
        /// <summary>Why only one id is mapped, for a warning; null with full ranges.</summary>
        public string? Warning { get; init; }

        public static readonly string[] ToolDirectories = { "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin" };

        /// <summary>A setuid tool in the system's directories (never from PATH: the user's PATH is not trusted to name it).</summary>
        public static string? FindTool(string name) =>
            ToolDirectories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

        public static IdMapping ForCurrentUser(string subuidFile = "/etc/subuid", string subgidFile = "/etc/subgid")
        {
            uint uid = RootlessMode.Uid, gid = RootlessMode.Gid;
            string? name = SubordinateRange.UserName(uid);
            var subuid = SubordinateRange.For(subuidFile, name, uid);
            var subgid = SubordinateRange.For(subgidFile, name, uid);
            string? newuidmap = FindTool("newuidmap"), newgidmap = FindTool("newgidmap");
            if (subuid != null && subgid != null && newuidmap != null && newgidmap != null)
                return new IdMapping
                {
                    UidMap = $"0 {uid} 1 1 {subuid.Start} {subuid.Count}",
                    GidMap = $"0 {gid} 1 1 {subgid.Start} {subgid.Count}",
                    NewUidMap = newuidmap,
                    NewGidMap = newgidmap,
                };
            string who = name ?? uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string why = subuid == null || subgid == null
                ? $"user '{who}' has no range in {(subuid == null ? subuidFile : subgidFile)} (add e.g. '{who}:100000:65536')"
                : "newuidmap/newgidmap are not installed (Debian: apt-get install uidmap)";
            return new IdMapping
            {
                UidMap = $"0 {uid} 1",
                GidMap = $"0 {gid} 1",
                Warning = $"Only container root is mapped (to you): {why}. Files owned by other ids cannot be created in the container.",
            };
        }
    }
}
