using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Launch
{
    /// <summary>
    /// The helper runs from a sealed memfd copy, never from its file (CVE-2019-5736): a process in a
    /// container that opens /proc/PID/exe of a helper process gets a file nobody can write. One copy per
    /// helper build per engine process, shared by every monitor and exec it starts.
    /// </summary>
    internal static unsafe class SealedHelper
    {
        private const uint MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_EXEC = 0x10;
        private const int F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
        private const int Seals = 1 | 2 | 4 | 8; // F_SEAL_SEAL | SHRINK | GROW | WRITE

        private static readonly object Gate = new();
        // Never closed: a launch on another thread may be exec'ing /proc/self/fd/N right now.
        private static readonly Dictionary<string, (string Key, int Fd)> Copies = new();

        /// <summary>
        /// A path that execs the sealed copy of HELPERPATH (/proc/self/fd/N: the fd is close-on-exec,
        /// and the kernel opens it before it closes those), or HELPERPATH itself when no copy can be
        /// made (the helper then seals itself, or reports why it cannot).
        /// </summary>
        public static string ExecutablePath(string helperPath)
        {
            var info = new FileInfo(helperPath);
            if (!info.Exists) return helperPath;
            // A rebuilt helper gets a new copy.
            string key = $"{info.Length}:{info.LastWriteTimeUtc.Ticks}";
            lock (Gate)
            {
                if (Copies.TryGetValue(helperPath, out var c) && c.Key == key) return $"/proc/self/fd/{c.Fd}";
                int fd = Seal(helperPath, info.Length);
                if (fd < 0) return helperPath;
                Copies[helperPath] = (key, fd);
                return $"/proc/self/fd/{fd}";
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern nint sendfile(int outFd, int inFd, long* offset, nuint count);

        /// <summary>
        /// The sealed copy of the file at PATH (LENGTH bytes), or -1. The kernel copies it (sendfile from the page cache
        /// into the memfd): a mini-docker command pays this on every run, and a 1 MiB managed buffer would cost more than the copy.
        /// </summary>
        private static int Seal(string path, long length)
        {
            byte[] p = Encoding.UTF8.GetBytes(path + "\0");
            int src;
            fixed (byte* pp = p) src = open(pp, O_RDONLY | O_CLOEXEC);
            if (src < 0) return -1;
            try
            {
                // Only an ELF binary: a wrapper script (a test's slow stand-in) cannot run from a close-on-exec fd,
                // and the helper it execs seals itself.
                byte* magic = stackalloc byte[4];
                if (pread(src, magic, 4, 0) != 4 || magic[0] != 0x7f || magic[1] != (byte)'E' || magic[2] != (byte)'L' || magic[3] != (byte)'F') return -1;
                byte[] name = Encoding.ASCII.GetBytes("mdhelper\0");
                int fd;
                fixed (byte* n = name)
                {
                    // MFD_EXEC: under vm.memfd_noexec the copy would not be executable; older kernels say EINVAL.
                    fd = memfd_create(n, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
                    if (fd < 0 && errno == EINVAL) fd = memfd_create(n, MFD_CLOEXEC | MFD_ALLOW_SEALING);
                }
                if (fd < 0) return -1;
                long offset = 0;
                while (offset < length)
                {
                    long w = sendfile(fd, src, &offset, (nuint)(length - offset));
                    if (w < 0 && Marshal.GetLastPInvokeError() == EINTR) continue;
                    if (w <= 0) { close(fd); return -1; }   // an error, or the file shrank under us: no half copy
                }
                if (fcntl(fd, F_ADD_SEALS, Seals) < 0 || (fcntl(fd, F_GET_SEALS) & Seals) != Seals)
                {
                    close(fd);
                    return -1;
                }
                return fd;
            }
            finally { close(src); }
        }
    }
}
