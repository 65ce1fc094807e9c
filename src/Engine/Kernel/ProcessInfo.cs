using System;
using System.IO;

namespace MiniDocker.Engine.Kernel
{
    /// <summary>Facts about a host process read from /proc, so a recycled PID is never mistaken for ours.</summary>
    public static class ProcessInfo
    {
        /// <summary>Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null if PID is gone.</summary>
        public static ulong? StartTime(int pid)
        {
            string stat;
            try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            // comm (field 2) may contain spaces and parentheses: fields resume after the last ')'.
            int close = stat.LastIndexOf(')');
            if (close < 0) return null;
            string[] rest = stat.Substring(close + 2).Split(' ');
            // rest[0] is field 3 (state); field 22 is rest[19]. A zombie has not been reaped yet but is no longer running.
            if (rest.Length < 20 || rest[0] == "Z" || rest[0] == "X") return null;
            return ulong.TryParse(rest[19], out var t) ? t : null;
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
