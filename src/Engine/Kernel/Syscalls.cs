using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Kernel
{
    /// <summary>The few syscalls the engine makes in its own process (never fork/clone/setns: that is mdhelper's job).</summary>
    internal static unsafe class Syscalls
    {
        private const int LOCK_EX = 2;

        public const long Cgroup2SuperMagic = 0x63677270;
        public const long TmpfsMagic = 0x01021994;
        public const long CgroupSuperMagic = 0x27e0eb;

        public static int LastErrno => Marshal.GetLastPInvokeError() is var e && e != 0 ? e : errno;

        /// <summary>The filesystem magic of PATH (statfs f_type), or null when PATH does not exist.</summary>
        public static long? FilesystemType(string path)
        {
            byte* buf = stackalloc byte[256];
            byte[] p = Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* pp = p)
            {
                long rc = (long)syscall(SyscallNumbers.Current.Statfs, pp, buf);
                if (rc != 0) return null;
            }
            return *(long*)buf; // f_type is the first field
        }

        /// <summary>
        /// Opens PATH and blocks until this process holds an exclusive flock on it; dispose to release.
        /// Raw open(2), not FileStream: .NET takes its own flock on files it opens, which would clash.
        /// </summary>
        public static FdLock LockFile(string path)
        {
            byte[] p = Encoding.UTF8.GetBytes(path + "\0");
            int fd;
            fixed (byte* pp = p) fd = open(pp, O_RDWR | O_CREAT | O_CLOEXEC, 0x180 /* 0600 */);
            if (fd < 0) throw new IOException($"Could not open lock file {path}: errno {errno}");
            int flock = SyscallNumbers.Current.Flock;
            while ((long)syscall(flock, fd, LOCK_EX) != 0)
            {
                int e = errno;
                if (e != EINTR) { close(fd); throw new IOException($"flock {path} failed: errno {e}"); }
            }
            return new FdLock(fd);
        }

        /// <summary>Closes an fd on dispose (a held flock goes with it).</summary>
        public sealed class FdLock : IDisposable
        {
            private readonly SafeFdHandle _fd;
            public FdLock(int fd) => _fd = new SafeFdHandle(fd);

            /// <summary>False once the lock file has been unlinked (its last holder deleted what it guarded).</summary>
            public bool IsCurrent()
            {
                stat st;
                bool added = false;
                _fd.DangerousAddRef(ref added);
                try { return fstat((int)_fd.DangerousGetHandle(), &st) != 0 || st.st_nlink > 0; }
                finally { if (added) _fd.DangerousRelease(); }
            }

            public void Dispose() => _fd.Dispose();
        }

        /// <summary>A pidfd for PID (kernel 5.3+), so its exit can be awaited without polling; null when unavailable.</summary>
        public static Pidfd? OpenPidfd(int pid)
        {
            long fd = (long)syscall(SyscallNumbers.Current.PidfdOpen, pid, 0);
            return fd < 0 ? null : new Pidfd((int)fd);
        }

        public sealed class Pidfd : IDisposable
        {
            private readonly SafeFdHandle _fd;
            internal Pidfd(int fd) => _fd = new SafeFdHandle(fd);

            /// <summary>Blocks until the process has exited or TIMEOUT passes; true when it has exited.</summary>
            public bool WaitExited(TimeSpan timeout)
            {
                bool added = false;
                _fd.DangerousAddRef(ref added);
                try
                {
                    // libc's poll: arm64 has no poll syscall (only ppoll).
                    var pfd = new pollfd { fd = (int)_fd.DangerousGetHandle(), events = (short)POLLIN };
                    return poll(&pfd, 1, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue)) > 0;
                }
                finally { if (added) _fd.DangerousRelease(); }
            }

            public void Dispose() => _fd.Dispose();
        }

        /// <summary>An fd owned by a SafeHandle: closed once on Dispose, or by the finalizer if one is leaked.</summary>
        internal sealed class SafeFdHandle : SafeHandleZeroOrMinusOneIsInvalid
        {
            // fd 0 is a valid descriptor, but never one this process opens here (stdin stays open).
            public SafeFdHandle(int fd) : base(ownsHandle: true) => SetHandle((IntPtr)fd);

            protected override bool ReleaseHandle() => close((int)handle) == 0;
        }

        /// <summary>
        /// A socket path under DIRECTORY that fits sun_path (108 bytes) however deep DIRECTORY is: /proc/self/fd/N/NAME
        /// through an O_PATH fd of the directory, held until the returned handle is disposed.
        /// </summary>
        public static (IDisposable Directory, string Path) ShortSocketPath(string directory, string name)
        {
            byte[] p = Encoding.UTF8.GetBytes(directory + "\0");
            int fd;
            fixed (byte* pp = p) fd = open(pp, O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) throw new IOException($"Could not open directory {directory}: errno {errno}");
            return (new FdLock(fd), $"/proc/self/fd/{fd}/{name}");
        }

        /// <summary>kill(2); false when the process does not exist.</summary>
        public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

        public static int SIGKILL_ => SIGKILL;
        public static int SIGTERM_ => SIGTERM;
    }
}
