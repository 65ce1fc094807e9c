using System;
using System.IO;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// A directory tree the engine writes or reads on behalf of untrusted content (an image layer, a
    /// container's upper dir). Every path is resolved by the kernel inside the root (openat2 with
    /// RESOLVE_IN_ROOT): ".." stops at the root and an absolute symlink means the root, so no path
    /// given here reaches outside it. Operations act on (parent fd, final name) and never follow a
    /// final symlink.
    /// </summary>
    internal sealed unsafe class LayerDirectory : IDisposable
    {
        private const ulong RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_IN_ROOT = 0x10;
        public const int S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFCHR = 0x2000, S_IFIFO = 0x1000;

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct OpenHow { public ulong Flags, Mode, Resolve; }

        // Both fds are owned by SafeHandles, so a LayerDirectory never disposed still closes them (finalizer);
        // the ints are their values, handed to the *at() calls while this object lives.
        private readonly Syscalls.SafeFdHandle _rootHandle;
        private readonly int _root;
        private Syscalls.SafeFdHandle? _cachedHandle;
        private string? _cachedPath;
        private int _cachedFd = -1;

        public LayerDirectory(string path)
        {
            Path = path;
            _root = Open(AT_FDCWD, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (_root < 0) throw Failure("open", path, Syscalls.LastErrno);
            _rootHandle = new Syscalls.SafeFdHandle(_root);
        }

        public string Path { get; }

        public void Dispose()
        {
            Forget();
            _rootHandle.Dispose();
        }

        private static int Open(int dirfd, string path, int flags)
        {
            byte[] p = Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* pp = p) return openat(dirfd, pp, flags, 0);
        }

        /// <summary>openat2 inside the root; -1 with errno on failure.</summary>
        public int OpenInRoot(string relative, int flags, bool noSymlinks = false)
        {
            var how = new OpenHow { Flags = (ulong)(flags | O_CLOEXEC), Resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (noSymlinks ? RESOLVE_NO_SYMLINKS : 0) };
            byte[] p = Encoding.UTF8.GetBytes((relative.Length == 0 ? "." : relative) + "\0");
            fixed (byte* pp = p)
            {
                // RESOLVE_IN_ROOT answers EAGAIN when a rename or mount anywhere on the host raced the lookup
                // (openat2(2)): the lookup is safe to repeat, and a busy machine meets it now and then.
                for (int attempt = 0; ; attempt++)
                {
                    int fd = (int)(long)syscall(SyscallNumbers.Current.Openat2, _root, pp, &how, sizeof(OpenHow));
                    if (fd >= 0 || errno != EAGAIN || attempt == 64) return fd;
                }
            }
        }

        /// <summary>
        /// The directory RELATIVE (resolved inside the root), created with mode 0755 where missing.
        /// The fd stays owned by this object (one cached); do not close it.
        /// </summary>
        public int Directory(string relative, bool create)
        {
            if (relative.Length == 0) return _root;
            if (relative == _cachedPath) return _cachedFd;
            int fd = OpenInRoot(relative, O_PATH | O_DIRECTORY);
            if (fd < 0 && create && errno == ENOENT)
            {
                int parent = Directory(ParentOf(relative), create: true);
                byte[] n = Name(NameOf(relative));
                fixed (byte* np = n)
                    if (mkdirat(parent, np, 0x1ED /* 0755 */) != 0 && errno != EEXIST) throw Failure("mkdir", relative, errno);
                fd = OpenInRoot(relative, O_PATH | O_DIRECTORY);
            }
            if (fd < 0) throw Failure("open directory", relative, errno);
            Forget();
            _cachedHandle = new Syscalls.SafeFdHandle(fd);
            _cachedPath = relative;
            _cachedFd = fd;
            return fd;
        }

        /// <summary>Drops the cached directory when PATH is it or one of its ancestors (it is about to be replaced).</summary>
        public void Invalidate(string path)
        {
            if (_cachedPath != null && (_cachedPath == path || _cachedPath.StartsWith(path + "/", StringComparison.Ordinal))) Forget();
        }

        private void Forget()
        {
            _cachedHandle?.Dispose();
            _cachedHandle = null;
            _cachedFd = -1;
            _cachedPath = null;
        }

        /// <summary>lstat of NAME in directory fd DIR; null when it does not exist.</summary>
        public static stat? Lstat(int dir, string name)
        {
            stat st;
            byte[] n = Name(name);
            fixed (byte* np = n)
                if (fstatat(dir, np, &st, AT_SYMLINK_NOFOLLOW) != 0) return null;
            return st;
        }

        /// <summary>Makes room for a new entry NAME: removes a file, symlink or (unless KEEPDIRECTORY) a directory tree there.</summary>
        public void Clear(int dir, string name, bool keepDirectory)
        {
            if (Lstat(dir, name) is not stat st) return;
            bool isDir = ((int)st.st_mode & S_IFMT) == S_IFDIR;
            if (isDir && keepDirectory) return;
            byte[] n = Name(name);
            int rc;
            fixed (byte* np = n) rc = unlinkat(dir, np, isDir ? AT_REMOVEDIR : 0);
            if (rc == 0) return;
            if (isDir && errno == ENOTEMPTY)
            {
                // The kernel's view of the directory we hold: .NET deletes the tree without following symlinks in it.
                System.IO.Directory.Delete($"/proc/self/fd/{dir}/{name}", recursive: true);
                return;
            }
            throw Failure("remove", name, errno);
        }

        public static void Check(int rc, string what, string path)
        {
            if (rc != 0) throw Failure(what, path, errno);
        }

        public static IOException Failure(string what, string path, int err) =>
            new($"{what} '{path}' failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(err)}", err);

        public static byte[] Name(string s) => Encoding.UTF8.GetBytes(s + "\0");

        public static string ParentOf(string relative) { int i = relative.LastIndexOf('/'); return i < 0 ? "" : relative.Substring(0, i); }
        public static string NameOf(string relative) => relative.Substring(relative.LastIndexOf('/') + 1);

        public static void SetXattr(int fd, string name, byte[] value)
        {
            byte[] n = Name(name);
            fixed (byte* np = n, vp = value)
                if ((long)syscall(SyscallNumbers.Current.Fsetxattr, fd, np, vp, value.Length, 0) != 0) throw Failure("setxattr " + name, "", errno);
        }

        /// <summary>Sets an xattr on NAME in DIR without following a symlink (through /proc/self/fd, which is no magic link here).</summary>
        public static void SetXattrAt(int dir, string name, string attr, byte[] value)
        {
            byte[] p = Encoding.UTF8.GetBytes($"/proc/self/fd/{dir}/{name}\0");
            byte[] n = Name(attr);
            fixed (byte* pp = p, np = n, vp = value)
                if ((long)syscall(SyscallNumbers.Current.Lsetxattr, pp, np, vp, value.Length, 0) != 0) throw Failure("setxattr " + attr, name, errno);
        }

        /// <summary>An xattr of PATH (no symlink followed), or null.</summary>
        public static byte[]? GetXattr(string path, string attr)
        {
            byte[] p = Name(path), n = Name(attr);
            byte* buf = stackalloc byte[256];
            long len;
            fixed (byte* pp = p, np = n) len = (long)syscall(SyscallNumbers.Current.Lgetxattr, pp, np, buf, 256);
            return len < 0 ? null : new ReadOnlySpan<byte>(buf, (int)len).ToArray();
        }

        public static bool IsWhiteout(in stat st) => ((int)st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0;
    }
}
