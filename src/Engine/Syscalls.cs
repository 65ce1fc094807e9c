using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine
{
    /// <summary>The few syscalls the engine makes in its own process (never fork/clone/setns: that is mdhelper's job).</summary>
    internal static unsafe class Syscalls
    {
        // Syscall numbers for calls Tmds.LibC 0.5 has no wrapper for: x86_64, or aarch64 (the generic table).
        internal static readonly bool IsArm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
        private static readonly int SYS_statfs = IsArm64 ? 43 : 137;
        private static readonly int SYS_flock = IsArm64 ? 32 : 73;
        private const int LOCK_EX = 2;
        private static readonly int SYS_ppoll = IsArm64 ? 73 : 271;   // aarch64 has no poll(2)
        private const int SYS_pidfd_open = 434;

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
                long rc = (long)syscall(SYS_statfs, pp, buf);
                if (rc != 0) return null;
            }
            return *(long*)buf; // f_type is the first field
        }

        /// <summary>
        /// Opens PATH and blocks until this process holds an exclusive flock on it; dispose to release.
        /// Raw open(2), not FileStream: .NET takes its own flock on files it opens, which would clash.
        /// </summary>
        public static IDisposable LockFile(string path)
        {
            byte[] p = Encoding.UTF8.GetBytes(path + "\0");
            int fd;
            fixed (byte* pp = p) fd = open(pp, O_RDWR | O_CREAT | O_CLOEXEC, 0x180 /* 0600 */);
            if (fd < 0) throw new IOException($"Could not open lock file {path}: errno {errno}");
            while ((long)syscall(SYS_flock, fd, LOCK_EX) != 0)
            {
                int e = errno;
                if (e != EINTR) { close(fd); throw new IOException($"flock {path} failed: errno {e}"); }
            }
            return new FdLock(fd);
        }

        private sealed class FdLock : IDisposable
        {
            private int _fd;
            public FdLock(int fd) => _fd = fd;
            public void Dispose()
            {
                if (_fd >= 0) close(_fd);
                _fd = -1;
            }
        }

        /// <summary>A pidfd for PID (kernel 5.3+), so its exit can be awaited without polling; null when unavailable.</summary>
        public static Pidfd? OpenPidfd(int pid)
        {
            long fd = (long)syscall(SYS_pidfd_open, pid, 0);
            return fd < 0 ? null : new Pidfd((int)fd);
        }

        public sealed class Pidfd : IDisposable
        {
            private int _fd;
            internal Pidfd(int fd) => _fd = fd;

            /// <summary>Blocks until the process has exited or TIMEOUT passes; true when it has exited.</summary>
            public bool WaitExited(TimeSpan timeout)
            {
                // struct pollfd { int fd; short events; short revents; }
                int* pfd = stackalloc int[2];
                pfd[0] = _fd;
                pfd[1] = POLLIN;
                long ms = (long)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
                long* ts = stackalloc long[2] { ms / 1000, ms % 1000 * 1_000_000 };   // struct timespec
                long rc = (long)syscall(SYS_ppoll, pfd, 1, ts, null, 0);
                return rc > 0;
            }

            public void Dispose()
            {
                if (_fd >= 0) close(_fd);
                _fd = -1;
            }
        }

        /// <summary>kill(2); false when the process does not exist.</summary>
        public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

        public static int SIGKILL_ => SIGKILL;
        public static int SIGTERM_ => SIGTERM;
    }
}
