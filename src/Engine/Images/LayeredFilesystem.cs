using System;
using System.Collections.Generic;
using System.IO;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// The merged view overlayfs would show for a stack of layer directories (top first), computed
    /// from the directories themselves with no mount: a whiteout hides the name in lower layers, an opaque
    /// directory hides the lower layers' contents of it (every form: <see cref="OverlayMarkers"/>).
    /// </summary>
    public sealed class LayeredFilesystem
    {
        /// <summary>A path in the merged view: for a directory every layer's directory that contributes, top first; else the one visible file.</summary>
        public sealed class Node
        {
            public Node(string path, IReadOnlyList<string> hostPaths, stat st) { Path = path; HostPaths = hostPaths; Stat = st; }
            public string Path { get; }
            public IReadOnlyList<string> HostPaths { get; }
            public string HostPath => HostPaths[0];
            public stat Stat { get; }
            public int Type => (int)Stat.st_mode & LayerDirectory.S_IFMT;
            public bool IsDirectory => Type == LayerDirectory.S_IFDIR;
            public bool IsSymlink => Type == LayerDirectory.S_IFLNK;
        }

        private readonly IReadOnlyList<string> _layers;

        public LayeredFilesystem(IReadOnlyList<string> layersTopFirst) => _layers = layersTopFirst;

        public Node Root
        {
            get
            {
                var dirs = new List<string>();
                foreach (var l in _layers)
                {
                    dirs.Add(l);
                    if (IsOpaque(l)) break;
                }
                return new Node("", dirs, Lstat(_layers[0]) ?? throw new DirectoryNotFoundException(_layers[0]));
            }
        }

        /// <summary>NAME inside directory DIR as the merged view shows it, or null.</summary>
        public Node? Child(Node dir, string name)
        {
            List<string>? dirs = null;
            stat top = default;
            foreach (var parent in dir.HostPaths)
            {
                string p = parent + "/" + name;
                if (OverlayMarkers.HiddenByFile(parent, name)) break;
                if (Lstat(p) is not stat st) continue;
                if (OverlayMarkers.Hides(p, name, st, MarkOf(st, parent)) is string hidden)
                {
                    if (hidden == name) break;   // a whiteout of NAME
                    return null;                 // NAME is itself a marker, never content
                }
                bool isDir = ((int)st.st_mode & LayerDirectory.S_IFMT) == LayerDirectory.S_IFDIR;
                if (dirs == null)
                {
                    if (!isDir) return new Node(Join(dir.Path, name), new[] { p }, st);
                    dirs = new List<string>();
                    top = st;
                }
                else if (!isDir) break;
                dirs.Add(p);
                if (IsOpaque(p)) break;
            }
            return dirs == null ? null : new Node(Join(dir.Path, name), dirs, top);
        }

        /// <summary>The names in directory DIR, whiteouts applied, in ordinal order.</summary>
        public IEnumerable<string> List(Node dir)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var visible = new List<string>();
            foreach (var d in dir.HostPaths)
            {
                var mark = OverlayMarkers.Of(d);
                var hiddenHere = new List<string>();
                foreach (var entry in Directory.EnumerateFileSystemEntries(d))
                {
                    string name = System.IO.Path.GetFileName(entry);
                    if (seen.Contains(name) || Lstat(entry) is not stat st) continue;
                    // A deletion hides its name in the layers below this one, not beside it.
                    if (OverlayMarkers.Hides(entry, name, st, mark) is string hidden) { hiddenHere.Add(hidden); continue; }
                    seen.Add(name);
                    visible.Add(name);
                }
                foreach (var h in hiddenHere) seen.Add(h);
            }
            visible.Sort(StringComparer.Ordinal);
            return visible;
        }

        public static bool IsOpaque(string dir) => OverlayMarkers.IsOpaque(dir);

        // The parent's mark matters only for a zero-size regular file (a possible xattr whiteout): read it only then.
        private static OverlayMarkers.Mark MarkOf(in stat st, string parent) =>
            ((int)st.st_mode & LayerDirectory.S_IFMT) == LayerDirectory.S_IFREG && st.st_size == 0 ? OverlayMarkers.Of(parent) : OverlayMarkers.Mark.None;

        public static unsafe stat? Lstat(string path)
        {
            stat st;
            byte[] p = LayerDirectory.Name(path);
            fixed (byte* pp = p) return lstat(pp, &st) == 0 ? st : null;
        }

        private static string Join(string a, string b) => a.Length == 0 ? b : a + "/" + b;
    }
}
