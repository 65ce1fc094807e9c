using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine
{
    /// <summary>
    /// docker cp: files into and out of a container, running or stopped. The container's tree is hostile (its
    /// processes plant symlinks such as /etc/x -> / or ../../..), so every container path is resolved inside the
    /// container's root: a running container's through its init's root (/proc/PID/root, by the kernel with openat2
    /// RESOLVE_IN_ROOT, so its volumes are included); a stopped one's through its layers (upper over lowers, like
    /// overlayfs) with writes going into its upper dir. Symlinks inside a copied tree are copied as symlinks, never followed.
    /// </summary>
    public sealed partial class ContainerEngine
    {
        /// <summary>Copies CONTAINERPATH (a file, directory or symlink target) out to HOSTPATH; into it when it is a directory.</summary>
        public void CopyFromContainer(string id, string containerPath, string hostPath) => CopyFromContainer(id, containerPath, hostPath, null);

        /// <summary>As above; SKIPPED hears of each device or socket left out (fifos are copied, as docker cp's tar carries them).</summary>
        public void CopyFromContainer(string id, string containerPath, string hostPath, Action<string>? skipped)
        {
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            using var tree = OpenTree(c);
            string src = ContainerRelative(containerPath, c);
            if (tree.Stat(src, follow: true) is not stat st)
                throw new MiniDockerException("ContainerPathNotFound", FailureKind.ObjectNotFound, $"'{containerPath}' does not exist in container '{c.Name}'.", c);
            string name = src.Length == 0 ? "root" : LayerDirectory.NameOf(src);
            string dest = Directory.Exists(hostPath) ? Path.Combine(hostPath, name) : hostPath;
            string? parent = Path.GetDirectoryName(Path.GetFullPath(dest));
            if (parent != null && !Directory.Exists(parent))
                throw new MiniDockerException("DestinationNotFound", FailureKind.ObjectNotFound, $"Folder '{parent}' does not exist on the host; create it first.", c);
            try { CopyOut(tree, src, st, dest, skipped, top: true); }
            catch (IOException e) { throw CopyFailed(c, containerPath, e); }
        }

        /// <summary>Copies HOSTPATH (a file or a directory tree) to CONTAINERPATH; into it when it is a directory in the container.</summary>
        public void CopyToContainer(string id, string hostPath, string containerPath) => CopyToContainer(id, hostPath, containerPath, null);

        /// <summary>As above; SKIPPED hears of each device or socket left out (fifos are copied).</summary>
        public void CopyToContainer(string id, string hostPath, string containerPath, Action<string>? skipped)
        {
            var info = new FileInfo(hostPath);
            if (!info.Exists && !Directory.Exists(hostPath))
                throw new MiniDockerException("SourceNotFound", FailureKind.ObjectNotFound, $"'{hostPath}' does not exist on the host.", hostPath);
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            using var tree = OpenTree(c);
            string dest = tree.Canonical(ContainerRelative(containerPath, c));
            if (dest.Length == 0 || tree.Stat(dest, follow: true) is stat d && (d.st_mode & S_IFMT) == S_IFDIR)
                dest = tree.Canonical((dest.Length == 0 ? "" : dest + "/") + Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath))));
            string parent = LayerDirectory.ParentOf(dest);
            if (parent.Length > 0 && (tree.Stat(parent, follow: true) is not stat p || (p.st_mode & S_IFMT) != S_IFDIR))
                throw new MiniDockerException("ContainerPathNotFound", FailureKind.ObjectNotFound, $"Folder '/{parent}' does not exist in container '{c.Name}'.", c);
            try { CopyIn(tree, hostPath, dest, skipped); }
            catch (IOException e) { throw CopyFailed(c, containerPath, e); }
        }

        private static MiniDockerException CopyFailed(Container c, string path, IOException e) =>
            new("CopyFailed", FailureKind.WriteError, $"Copying '{path}' of container '{c.Name}' failed: {e.Message}", c, e);

        private static string ContainerRelative(string containerPath, Container c)
        {
            if (!containerPath.StartsWith('/') || containerPath.Contains('\0'))
                throw new MiniDockerException("InvalidContainerPath", FailureKind.InvalidArgument, $"'{containerPath}' must be an absolute path inside container '{c.Name}'.", c);
            return string.Join('/', containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }

        private ContainerTree OpenTree(ContainerRecord c)
        {
            if (c.State is ContainerState.Running or ContainerState.Paused && ProcessInfo.IsSame(c.Pid, c.PidStartTime))
            {
                // The rootless fuse-overlayfs fallback serves only the container's own user namespace (allow_other in a
                // user namespace): from here every path would read as missing.
                if (Syscalls.FilesystemType($"/proc/{c.Pid}/root") == Rootless.RootlessOverlay.FuseSuperMagic)
                    throw new MiniDockerException("CopyNeedsStoppedContainer", FailureKind.InvalidOperation,
                        $"Container '{c.Name}' runs on fuse-overlayfs, whose files only its own processes can reach: stop it first (a stopped container's files can be copied), or copy through a command run inside it (cat, tar).", c);
                var running = new RunningTree(c.Pid!.Value);
                // The root opened must be the init's: a PID recycled between the check and the open is refused.
                if (ProcessInfo.IsSame(c.Pid, c.PidStartTime)) return running;
                running.Dispose();
                throw new MiniDockerException("ContainerNotRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' stopped while the copy began; copy again.", c);
            }
            string upper = Path.Combine(_store.DirectoryOf(c.Id), "upper");
            Directory.CreateDirectory(upper);
            return new StoppedTree(upper, ContainerMounts.LowerDirs(c).Reverse().ToList());
        }

        private const int S_IFMT = LayerDirectory.S_IFMT, S_IFDIR = LayerDirectory.S_IFDIR, S_IFREG = LayerDirectory.S_IFREG, S_IFLNK = LayerDirectory.S_IFLNK, S_IFIFO = LayerDirectory.S_IFIFO;

        private static void CopyOut(ContainerTree tree, string rel, stat st, string dest, Action<string>? skipped, bool top = false)
        {
            // An entry the destination already has as a symlink is replaced, never written through.
            if (new FileInfo(dest).LinkTarget != null) File.Delete(dest);
            var mode = (UnixFileMode)((int)st.st_mode & 0xFFF);
            switch ((int)st.st_mode & S_IFMT)
            {
                case S_IFDIR:
                    Directory.CreateDirectory(dest);
                    foreach (var name in tree.List(rel, follow: top))
                    {
                        string child = rel.Length == 0 ? name : rel + "/" + name;
                        if (tree.Stat(child, follow: false) is stat cst) CopyOut(tree, child, cst, Path.Combine(dest, name), skipped);
                    }
                    File.SetUnixFileMode(dest, mode);
                    break;
                case S_IFREG:
                    using (var input = tree.OpenRead(rel, follow: top))
                    using (var output = new FileStream(dest, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = mode & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup) }))
                        input.CopyTo(output);
                    break;
                case S_IFLNK:
                    File.CreateSymbolicLink(dest, tree.ReadLink(rel));
                    break;
                case S_IFIFO:
                    // Made, never opened: opening a fifo would wait for a writer.
                    if (LayeredFilesystem.Lstat(dest) is stat old && ((int)old.st_mode & S_IFMT) != S_IFDIR) File.Delete(dest);
                    if (At.Mknodat(AT_FDCWD, dest, S_IFIFO | ((int)st.st_mode & 0x1FF)) != 0) throw LayerDirectory.Failure("mkfifo", dest, Syscalls.LastErrno);
                    break;
                default:
                    // A device would bypass the device cgroup and a socket is nothing without its listener: docker cp leaves both out too.
                    skipped?.Invoke($"Skipped '/{rel}': {KindOf(st)}s are not copied.");
                    break;
            }
        }

        private static string KindOf(in stat st) => ((int)st.st_mode & S_IFMT) switch
        {
            LayerDirectory.S_IFCHR => "character device",
            0x6000 => "block device",
            0xC000 => "socket",
            _ => "special file",
        };

        private static void CopyIn(ContainerTree tree, string hostPath, string rel, Action<string>? skipped)
        {
            var info = new FileInfo(hostPath);
            var hostStat = LayeredFilesystem.Lstat(hostPath);
            var dir = tree.Writer;
            int parent = dir.Directory(LayerDirectory.ParentOf(rel), create: true);
            string name = LayerDirectory.NameOf(rel);
            var mode = (int)File.GetUnixFileMode(hostPath) & 0xFFF & ~0xC00;   // never setuid/setgid
            if (info.LinkTarget is string target)
            {
                dir.Clear(parent, name, keepDirectory: false);
                Check(At.Symlinkat(target, parent, name), "symlink", rel);
            }
            else if (Directory.Exists(hostPath))
            {
                if (LayerDirectory.Lstat(parent, name) is not stat existing || ((int)existing.st_mode & S_IFMT) != S_IFDIR)
                {
                    dir.Clear(parent, name, keepDirectory: false);
                    Check(At.Mkdirat(parent, name, mode), "mkdir", rel);
                }
                foreach (var entry in Directory.EnumerateFileSystemEntries(hostPath))
                    CopyIn(tree, entry, rel + "/" + Path.GetFileName(entry), skipped);
            }
            else if (hostStat is stat hs && ((int)hs.st_mode & S_IFMT) != S_IFREG)
            {
                // Before the regular-file case, which would open a fifo and wait for a writer forever.
                if (((int)hs.st_mode & S_IFMT) != S_IFIFO) { skipped?.Invoke($"Skipped '{hostPath}': {KindOf(hs)}s are not copied."); return; }
                dir.Clear(parent, name, keepDirectory: false);
                Check(At.Mknodat(parent, name, S_IFIFO | mode), "mkfifo", rel);
            }
            else if (info.Exists)
            {
                // The final name is replaced (a symlink there is removed, not followed) and created with O_NOFOLLOW.
                dir.Clear(parent, name, keepDirectory: false);
                int fd = At.Openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
                Check(fd < 0 ? -1 : 0, "create", rel);
                using var output = new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Write);
                using var input = File.OpenRead(hostPath);
                input.CopyTo(output);
            }
        }

        private static void Check(int rc, string what, string rel) => LayerDirectory.Check(rc, what, "/" + rel);

        /// <summary>A container's filesystem, read by paths relative to its root, never resolving outside it.</summary>
        private abstract class ContainerTree : IDisposable
        {
            /// <summary>Where copies in write: the init's root, or the stopped container's upper dir.</summary>
            public abstract LayerDirectory Writer { get; }
            /// <summary>REL with its existing part's symlinks resolved in the root (a stopped tree's writes need real directories).</summary>
            public abstract string Canonical(string rel);
            public abstract stat? Stat(string rel, bool follow);
            public abstract Stream OpenRead(string rel, bool follow);
            public abstract IEnumerable<string> List(string rel, bool follow);
            public abstract string ReadLink(string rel);
            public abstract void Dispose();
        }

        /// <summary>A running container, through its init's root: the kernel resolves each path inside it (openat2 RESOLVE_IN_ROOT).</summary>
        private sealed class RunningTree : ContainerTree
        {
            private readonly LayerDirectory _root;
            public RunningTree(int pid) => _root = new LayerDirectory($"/proc/{pid}/root");
            public override LayerDirectory Writer => _root;
            public override string Canonical(string rel) => rel;

            private int Open(string rel, int flags)
            {
                int fd = _root.OpenInRoot(rel, flags);
                if (fd < 0) throw LayerDirectory.Failure("open", "/" + rel, Syscalls.LastErrno);
                return fd;
            }

            public override unsafe stat? Stat(string rel, bool follow)
            {
                int fd = _root.OpenInRoot(rel, O_PATH | (follow ? 0 : O_NOFOLLOW));
                if (fd < 0) return null;
                try
                {
                    stat st;
                    return fstat(fd, &st) == 0 ? st : null;
                }
                finally { close(fd); }
            }

            public override Stream OpenRead(string rel, bool follow) =>
                new FileStream(new SafeFileHandle((IntPtr)Open(rel, O_RDONLY | (follow ? 0 : O_NOFOLLOW)), ownsHandle: true), FileAccess.Read);

            public override IEnumerable<string> List(string rel, bool follow)
            {
                int fd = Open(rel, O_RDONLY | O_DIRECTORY | (follow ? 0 : O_NOFOLLOW));
                try { return Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}").Select(e => Path.GetFileName(e)!).ToList(); }
                finally { close(fd); }
            }

            public override string ReadLink(string rel)
            {
                int fd = Open(rel, O_PATH | O_NOFOLLOW);
                try { return At.Readlinkat(fd, ""); }
                finally { close(fd); }
            }

            public override void Dispose() => _root.Dispose();
        }

        /// <summary>
        /// A stopped container: the merged view of its upper dir over its lower dirs (whiteouts and opaque directories
        /// applied, symlinks resolved inside the view); writes go into the upper dir, through a LayerDirectory.
        /// </summary>
        private sealed class StoppedTree : ContainerTree
        {
            private readonly IReadOnlyList<string> _view;
            private readonly LayerDirectory _upper;

            public StoppedTree(string upper, IReadOnlyList<string> lowersTopFirst)
            {
                _view = new[] { upper }.Concat(lowersTopFirst).ToList();
                _upper = new LayerDirectory(upper);
            }

            public override LayerDirectory Writer => _upper;
            public override string Canonical(string rel) => RootfsPath.ResolveContainerPath(_view, rel).TrimStart('/');

            private LayeredFilesystem.Node? Find(string rel, bool follow)
            {
                string path = follow ? Canonical(rel) : rel.Length == 0 ? "" : (Canonical(LayerDirectory.ParentOf(rel)) + "/" + LayerDirectory.NameOf(rel)).TrimStart('/');
                var fs = new LayeredFilesystem(_view);
                var node = fs.Root;
                foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
                    if (!node.IsDirectory || fs.Child(node, part) is not { } child) return null;
                    else node = child;
                return node;
            }

            public override stat? Stat(string rel, bool follow) => Find(rel, follow)?.Stat;

            public override Stream OpenRead(string rel, bool follow)
            {
                var node = Find(rel, follow) ?? throw new FileNotFoundException("/" + rel);
                int fd = At.Openat(AT_FDCWD, node.HostPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
                if (fd < 0) throw LayerDirectory.Failure("open", "/" + rel, Syscalls.LastErrno);
                return new FileStream(new SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Read);
            }

            public override IEnumerable<string> List(string rel, bool follow)
            {
                var node = Find(rel, follow);
                return node == null ? Array.Empty<string>() : new LayeredFilesystem(_view).List(node).ToList();
            }

            public override string ReadLink(string rel) =>
                new FileInfo((Find(rel, follow: false) ?? throw new FileNotFoundException("/" + rel)).HostPath).LinkTarget ?? "";

            public override void Dispose() => _upper.Dispose();
        }

        /// <summary>The *at calls with string paths.</summary>
        private static unsafe class At
        {
            public static int Openat(int dir, string name, int flags, int mode)
            {
                byte[] n = LayerDirectory.Name(name);
                fixed (byte* np = n) return openat(dir, np, flags, (mode_t)mode);
            }

            public static int Mkdirat(int dir, string name, int mode)
            {
                byte[] n = LayerDirectory.Name(name);
                fixed (byte* np = n) return mkdirat(dir, np, (mode_t)mode);
            }

            public static int Mknodat(int dir, string name, int mode)
            {
                byte[] n = LayerDirectory.Name(name);
                fixed (byte* np = n) return mknodat(dir, np, (mode_t)mode, 0);
            }

            public static int Symlinkat(string target, int dir, string name)
            {
                byte[] t = LayerDirectory.Name(target), n = LayerDirectory.Name(name);
                fixed (byte* tp = t, np = n) return symlinkat(tp, dir, np);
            }

            public static string Readlinkat(int dir, string name)
            {
                byte[] n = LayerDirectory.Name(name);
                byte* buf = stackalloc byte[4096];
                long len;
                fixed (byte* np = n) len = (long)readlinkat(dir, np, buf, 4096);
                if (len < 0) throw LayerDirectory.Failure("readlink", name, Syscalls.LastErrno);
                return Encoding.UTF8.GetString(buf, (int)len);
            }
        }
    }
}
