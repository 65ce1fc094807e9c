using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>Reading and writing cgroupfs files with errors that name the file.</summary>
    internal static class CgroupFiles
    {
        public static void Write(string dir, string file, string value)
        {
            string path = Path.Combine(dir, file);
            try { File.WriteAllText(path, value); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MiniDockerException("CgroupWriteFailed", FailureKind.WriteError,
                    $"Could not write '{value}' to {path}: {e.Message}", path, e);
            }
        }

        public static string? Read(string dir, string file)
        {
            try { return File.ReadAllText(Path.Combine(dir, file)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }

        /// <summary>The value of KEY in a flat-keyed file such as memory.events or memory.oom_control.</summary>
        public static long? ReadKey(string dir, string file, string key)
        {
            string? text = Read(dir, file);
            if (text == null) return null;
            foreach (var line in text.Split('\n'))
            {
                var f = line.Split(' ');
                if (f.Length == 2 && f[0] == key && long.TryParse(f[1], out var v)) return v;
            }
            return null;
        }

        /// <summary>A single-number file such as memory.current; null when absent or "max" (unlimited).</summary>
        public static long? ReadLong(string dir, string file)
        {
            string? text = Read(dir, file)?.Trim();
            return long.TryParse(text, out var v) ? v : null;
        }

        /// <summary>The errno behind a failed Write (.NET keeps it as the IOException's HResult), or 0.</summary>
        public static int Errno(MiniDockerException e) => e.InnerException is IOException io ? io.HResult : 0;

        public const int ENOENT = 2, EEXIST = 17, EBUSY = 16;

        /// <summary>A plain (not recursive) mkdir: 0 when DIR exists afterwards, else the errno (ENOENT: the parent is gone).</summary>
        public static unsafe int MakeDirectory(string dir)
        {
            byte[] p = System.Text.Encoding.UTF8.GetBytes(dir + "\0");
            fixed (byte* pp = p)
                if (Tmds.Linux.LibC.mkdir(pp, 0x1ed /* 0755 */) == 0) return 0;
            int err = Tmds.Linux.LibC.errno;
            return err == EEXIST ? 0 : err;
        }

        public static MiniDockerException MkdirFailed(string dir, int errno) =>
            new("CgroupCreateFailed", FailureKind.WriteError,
                $"Could not create cgroup {dir}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}.", dir);

        /// <summary>Polls READY (a cgroup file reaching a state) until it holds; false after TIMEOUT.</summary>
        public static bool WaitFor(Func<bool> ready, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!ready())
            {
                if (DateTime.UtcNow >= deadline) return false;
                Thread.Sleep(2);
            }
            return true;
        }

        public static IEnumerable<int> Pids(string dir) =>
            (Read(dir, "cgroup.procs") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s, out var p) ? p : 0).Where(p => p > 0);

        /// <summary>rmdir a cgroup; the kernel refuses while a dying process is still charged, so retry briefly.</summary>
        public static void RemoveDirectory(string dir)
        {
            for (int attempt = 0; ; attempt++)
            {
                try { Directory.Delete(dir, recursive: false); return; }
                catch (DirectoryNotFoundException) { return; }
                catch (IOException) when (attempt < 100) { Thread.Sleep(10); }
                catch (IOException e)
                {
                    throw new MiniDockerException("CgroupBusy", FailureKind.ResourceUnavailable,
                        $"Could not remove cgroup {dir}: {e.Message}. Processes still in it: {string.Join(",", Pids(dir))}.", dir, e);
                }
            }
        }

        /// <summary>Removes the shared parent directory when no container uses it any more (EBUSY otherwise: fine).</summary>
        public static void RemoveIfEmpty(string dir)
        {
            try
            {
                if (Directory.Exists(dir) && !Directory.EnumerateDirectories(dir).Any())
                    Directory.Delete(dir, recursive: false);
            }
            catch (IOException) { }
        }

        public static string Join(string mount, string cgroupPath, string child) =>
            Path.Combine(mount, cgroupPath.TrimStart('/'), child);

        /// <summary>Parent cgroup path inside one hierarchy, per EngineOptions.CgroupParent.</summary>
        public static string ResolveParent(string? option, string ownPath, string defaultParent)
        {
            string p = option ?? defaultParent;
            return p.StartsWith('/') ? p : (ownPath.TrimEnd('/') + "/" + p);
        }
    }
}
