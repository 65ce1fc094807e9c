using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MiniDocker.Engine.Images;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker
{
    /// <summary>How a path differs from the container's image or rootfs folder (docker diff's A, C, D).</summary>
    public enum ChangeKind : long { Added, Changed, Deleted }

    /// <summary>One path the container changed, as docker diff reports it.</summary>
    public sealed class ContainerChange
    {
        public string Path { get; set; } = "";
        public ChangeKind Kind { get; set; }
        public override string ToString() => $"{"ACD"[(int)Kind]} {Path}";
    }
}

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// docker diff: what the container's upper layer holds, against its lower layers, in path order. A whiteout is
        /// Deleted, and so is each lower entry of a directory the container replaced (opaque: rm -rf, then mkdir); a path
        /// the lowers also have is Changed (so is a directory something in it changed, as in docker), any other Added.
        /// </summary>
        public IReadOnlyList<ContainerChange> Diff(string id)
        {
            var c = Get(id) ?? throw NotFound(id);
            string upper = Path.Combine(_store.DirectoryOf(c.Id), "upper");
            var changes = new List<ContainerChange>();
            if (!Directory.Exists(upper)) return changes;
            var lowers = new LayeredFilesystem(ContainerMounts.LowerDirs(c).Reverse().ToList());
            // The upper dir is the container's to change while we read it: walk it by fds that never follow a symlink.
            using var root = new LayerDirectory(upper);
            Walk(root, "", lowers, lowers.Root, changes);
            return changes;
        }

        // BELOWOPAQUE: an ancestor is opaque, so nothing of the lowers shows here and every lower name the upper lacks was deleted.
        private static unsafe void Walk(LayerDirectory root, string rel, LayeredFilesystem lowers, LayeredFilesystem.Node? lowerDir, List<ContainerChange> changes, bool belowOpaque = false)
        {
            int fd = root.OpenInRoot(rel, O_RDONLY | O_DIRECTORY, noSymlinks: true);
            if (fd < 0) return;   // replaced meanwhile
            List<string> names;
            OverlayMarkers.Mark mark;
            try
            {
                names = Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}").Select(e => Path.GetFileName(e)!).ToList();
                mark = OverlayMarkers.Of($"/proc/self/fd/{fd}/.");   // "/." : lgetxattr would read the fd link itself
            }
            finally { close(fd); }
            bool opaque = belowOpaque || mark == OverlayMarkers.Mark.Opaque;
            var lowerNames = lowerDir != null && lowerDir.IsDirectory ? lowers.List(lowerDir).ToHashSet(StringComparer.Ordinal) : new HashSet<string>();
            // Per name: null = deleted, else the upper's entry (its lstat); a replaced directory (opaque) deletes every lower name it lacks.
            var entries = new SortedDictionary<string, stat?>(StringComparer.Ordinal);
            if (opaque) foreach (var n in lowerNames) entries[n] = null;
            foreach (var name in names)
            {
                int dfd = root.OpenInRoot(rel, O_PATH | O_DIRECTORY, noSymlinks: true);
                if (dfd < 0) return;
                stat? st;
                string? hidden;
                try
                {
                    st = LayerDirectory.Lstat(dfd, name);
                    hidden = st is stat s0 ? OverlayMarkers.Hides($"/proc/self/fd/{dfd}/{name}", name, s0, mark) : null;
                }
                finally { close(dfd); }
                if (st is null) continue;
                if (hidden != null)
                {
                    if (hidden.Length > 0 && !entries.ContainsKey(hidden)) entries[hidden] = null;
                    continue;
                }
                entries[name] = st;
            }
            foreach (var (name, st) in entries)
            {
                string child = rel.Length == 0 ? name : rel + "/" + name;
                bool inLower = lowerNames.Contains(name);
                if (st is not stat s)
                {
                    if (inLower) changes.Add(new ContainerChange { Path = "/" + child, Kind = ChangeKind.Deleted });
                    continue;
                }
                var lower = inLower ? lowers.Child(lowerDir!, name) : null;
                changes.Add(new ContainerChange { Path = "/" + child, Kind = lower == null ? ChangeKind.Added : ChangeKind.Changed });
                if (((int)s.st_mode & LayerDirectory.S_IFMT) == LayerDirectory.S_IFDIR)
                    Walk(root, child, lowers, lower, changes, opaque);
            }
        }
    }
}
