using System;
using System.IO;

namespace MiniDocker.Engine.Kernel
{
    /// <summary>Facts about a host process read from /proc, so a recycled PID is never mistaken for ours.</summary>
    public static class ProcessInfo
    {
        /// <summary>Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null if PID is gone.</summary>
        public static unsafe ulong? StartTime(int pid)
        {
            // Read with open/read into the stack: every start, wait and reconcile asks this several times, and
            // File.ReadAllText cost a stream, a reader, two flocks and the strings (issue 15).
            byte* buf = stackalloc byte[StatMax];
            int n = ReadSmall($"/proc/{pid}/stat", buf, StatMax);
            if (n <= 0) return null;
            var stat = new ReadOnlySpan<byte>(buf, n);
            // comm (field 2) may contain spaces and parentheses: fields resume after the last ')'.
            int close = stat.LastIndexOf((byte)')');
            if (close < 0 || close + 2 >= n) return null;
            var rest = stat.Slice(close + 2);
            // rest starts with field 3 (state); field 22 is 19 fields on. A zombie has not been reaped yet but is no longer running.
            if (rest[0] is (byte)'Z' or (byte)'X') return null;
            for (int field = 0; field < 19; field++)
            {
                int sp = rest.IndexOf((byte)' ');
                if (sp < 0) return null;
                rest = rest.Slice(sp + 1);
            }
            int end = rest.IndexOfAny((byte)' ', (byte)'\n');
            return System.Buffers.Text.Utf8Parser.TryParse(end < 0 ? rest : rest.Slice(0, end), out ulong t, out int used) && used > 0 ? t : null;
        }

        private const int StatMax = 4096;
        private const int O_RDONLY = 0, O_CLOEXEC = 0x80000, EINTR = 4;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open", SetLastError = true)] private static extern unsafe int Open(byte* path, int flags);
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "read", SetLastError = true)] private static extern unsafe nint Read(int fd, byte* buf, nuint count);
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")] private static extern int Close(int fd);

        /// <summary>Up to MAX bytes of the file at PATH (one read: a /proc file hands its text in one go), or -1.</summary>
        private static unsafe int ReadSmall(string path, byte* buf, int max)
        {
            byte* p = stackalloc byte[path.Length * 3 + 1];
            int len = System.Text.Encoding.UTF8.GetBytes(path, new Span<byte>(p, path.Length * 3));
            p[len] = 0;
            int fd = Open(p, O_RDONLY | O_CLOEXEC);
            if (fd < 0) return -1;
            try
            {
                while (true)
                {
                    nint n = Read(fd, buf, (nuint)max);
                    if (n < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == EINTR) continue;
                    return (int)n;
                }
            }
            finally { Close(fd); }
        }

        /// <summary>Field 4 of /proc/PID/stat (the parent's pid), or null if PID is gone.</summary>
        public static int? ParentPid(int pid)
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                string[] rest = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                return rest.Length > 1 && int.TryParse(rest[1], out var ppid) ? ppid : null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        /// <summary>argv of PID from /proc/PID/cmdline (empty when PID is gone).</summary>
        public static string[] CommandLine(int pid)
        {
            try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries); }
            catch (IOException) { return Array.Empty<string>(); }
            catch (UnauthorizedAccessException) { return Array.Empty<string>(); }
        }

        /// <summary>True when PID is alive and is the same process that had START when we recorded it.</summary>
        public static bool IsSame(int? pid, ulong? start) =>
            pid is int p && start is ulong s && StartTime(p) == s;
    }
}
