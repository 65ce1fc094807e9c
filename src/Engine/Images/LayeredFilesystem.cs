using System;
using System.Collections.Generic;
using System.IO;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// The merged view overlayfs would show for a stack of layer directories (top first), computed
    /// from the directories themselves with no mount: a whiteout (char 0/0) hides the name in lower
    /// layers, an opaque directory (trusted.overlay.opaque=y) hides the lower layers' contents of it.
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
                if (Lstat(p) is not stat st) continue;
                if (LayerDirectory.IsWhiteout(st)) break;
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
                foreach (var entry in Directory.EnumerateFileSystemEntries(d))
                {
                    string name = System.IO.Path.GetFileName(entry);
                    if (!seen.Add(name)) continue;
                    if (Lstat(entry) is stat st && !LayerDirectory.IsWhiteout(st)) visible.Add(name);
                }
            visible.Sort(StringComparer.Ordinal);
            return visible;
        }

        public static bool IsOpaque(string dir) => LayerDirectory.GetXattr(dir, "trusted.overlay.opaque") is [(byte)'y'];

        public static unsafe stat? Lstat(string path)
        {
            stat st;
            byte[] p = LayerDirectory.Name(path);
            fixed (byte* pp = p) return lstat(pp, &st) == 0 ? st : null;
        }

        private static string Join(string a, string b) => a.Length == 0 ? b : a + "/" + b;
    }
}
