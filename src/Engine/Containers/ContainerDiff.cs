using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
        /// Deleted, a path the lowers also have is Changed (so is a directory something in it changed, as in docker), any
        /// other Added.
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

        private static unsafe void Walk(LayerDirectory root, string rel, LayeredFilesystem lowers, LayeredFilesystem.Node? lowerDir, List<ContainerChange> changes)
        {
            int fd = root.OpenInRoot(rel, O_RDONLY | O_DIRECTORY, noSymlinks: true);
            if (fd < 0) return;   // replaced meanwhile
            List<string> names;
            try { names = Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}").Select(e => Path.GetFileName(e)!).OrderBy(n => n, StringComparer.Ordinal).ToList(); }
            finally { close(fd); }
            foreach (var name in names)
            {
                string child = rel.Length == 0 ? name : rel + "/" + name;
                int dfd = root.OpenInRoot(rel, O_PATH | O_DIRECTORY, noSymlinks: true);
                if (dfd < 0) return;
                stat? st;
                try { st = LayerDirectory.Lstat(dfd, name); }
                finally { close(dfd); }
                if (st is not stat s) continue;
                var lower = lowerDir != null && lowerDir.IsDirectory ? lowers.Child(lowerDir, name) : null;
                if (LayerDirectory.IsWhiteout(s))
                {
                    if (lower != null) changes.Add(new ContainerChange { Path = "/" + child, Kind = ChangeKind.Deleted });
                    continue;
                }
                changes.Add(new ContainerChange { Path = "/" + child, Kind = lower == null ? ChangeKind.Added : ChangeKind.Changed });
                if (((int)s.st_mode & LayerDirectory.S_IFMT) == LayerDirectory.S_IFDIR)
                    Walk(root, child, lowers, lower, changes);
            }
        }
    }
}
