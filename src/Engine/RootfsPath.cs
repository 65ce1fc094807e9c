using System;
using System.Collections.Generic;
using System.IO;

namespace MiniDocker.Engine
{
    /// <summary>
    /// Resolves paths inside a root filesystem as the container will see them: absolute symlinks
    /// (/bin/sh -> /bin/busybox) resolve against the rootfs, and nothing resolves outside it.
    /// </summary>
    public static class RootfsPath
    {
        private const int MaxSymlinks = 40;

        /// <summary>The host path of CONTAINERPATH inside ROOTFS after following symlinks, or null if it does not exist.</summary>
        public static string? Resolve(string rootfs, string containerPath)
        {
            var parts = new List<string>();
            var pending = new Stack<string>(Reverse(containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries)));
            int links = 0;
            while (pending.Count > 0)
            {
                string part = pending.Pop();
                if (part == ".") continue;
                if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
                string host = Path.Combine(rootfs, string.Join('/', parts), part);
                var info = new FileInfo(host);
                if (info.LinkTarget is string target)
                {
                    if (++links > MaxSymlinks) return null;
                    if (target.StartsWith('/')) parts.Clear();
                    foreach (var t in Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries))) pending.Push(t);
                    continue;
                }
                if (!info.Exists && !Directory.Exists(host)) return null;
                parts.Add(part);
            }
            return Path.Combine(rootfs, string.Join('/', parts));
        }

        /// <summary>Finds COMMAND like execvp would inside the container: as given when it has a '/', else on PATH.</summary>
        public static string? FindCommand(string rootfs, string command, string searchPath)
        {
            if (command.Contains('/')) return IsExecutableFile(Resolve(rootfs, command)) ? command : null;
            foreach (var dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = dir.TrimEnd('/') + "/" + command;
                if (IsExecutableFile(Resolve(rootfs, candidate))) return candidate;
            }
            return null;
        }

        private static bool IsExecutableFile(string? host) =>
            host != null && File.Exists(host) &&
            (File.GetUnixFileMode(host) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

        private static IEnumerable<string> Reverse(string[] a) { for (int i = a.Length - 1; i >= 0; i--) yield return a[i]; }
    }
}
