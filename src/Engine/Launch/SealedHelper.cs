using System;
using System.Collections.Generic;
using System.IO;
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
                byte[] binary;
                try { binary = File.ReadAllBytes(helperPath); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return helperPath; }
                // Only an ELF binary: a wrapper script (a test's slow stand-in) cannot run from a close-on-exec fd,
                // and the helper it execs seals itself.
                if (binary.Length < 4 || binary[0] != 0x7f || binary[1] != (byte)'E' || binary[2] != (byte)'L' || binary[3] != (byte)'F') return helperPath;
                int fd = Seal(binary);
                if (fd < 0) return helperPath;
                Copies[helperPath] = (key, fd);
                return $"/proc/self/fd/{fd}";
            }
        }

        private static int Seal(byte[] binary)
        {
            byte[] name = Encoding.ASCII.GetBytes("mdhelper\0");
            int fd;
            fixed (byte* n = name)
            {
                // MFD_EXEC: under vm.memfd_noexec the copy would not be executable; older kernels say EINVAL.
                fd = memfd_create(n, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
                if (fd < 0 && errno == EINVAL) fd = memfd_create(n, MFD_CLOEXEC | MFD_ALLOW_SEALING);
            }
            if (fd < 0) return -1;
            fixed (byte* p = binary)
            {
                long done = 0;
                while (done < binary.Length)
                {
                    long w = write(fd, p + done, (size_t)(int)(binary.Length - done));
                    if (w < 0 && errno == EINTR) continue;
                    if (w <= 0) { close(fd); return -1; }
                    done += w;
                }
            }
            if (fcntl(fd, F_ADD_SEALS, Seals) < 0 || (fcntl(fd, F_GET_SEALS) & Seals) != Seals)
            {
                close(fd);
                return -1;
            }
            return fd;
        }
    }
}
