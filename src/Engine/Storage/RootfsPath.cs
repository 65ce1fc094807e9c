using System;
using System.Collections.Generic;
using System.IO;

namespace MiniDocker.Engine.Storage
{
    /// <summary>
    /// Resolves paths inside a root filesystem as the container will see them: absolute symlinks
    /// (/bin/sh -> /bin/busybox) resolve against the rootfs, and nothing resolves outside it. The
    /// rootfs is one folder or a stack of image layers (top first, merged like overlayfs).
    /// </summary>
    public static class RootfsPath
    {
        private const int MaxSymlinks = 40;

        /// <summary>The host path of CONTAINERPATH inside ROOTFS after following symlinks, or null if it does not exist.</summary>
        public static string? Resolve(string rootfs, string containerPath) => Resolve(new[] { rootfs }, containerPath);

        /// <summary>The host path (in the topmost layer that has it) of CONTAINERPATH after following symlinks, or null.</summary>
        public static string? Resolve(IReadOnlyList<string> layersTopFirst, string containerPath)
        {
            var (_, node, missing) = Walk(layersTopFirst, containerPath);
            return missing.Count == 0 && node != null ? node.HostPath : null;
        }

        /// <summary>
        /// CONTAINERPATH with every symlink of its existing part resolved inside the rootfs (the path a
        /// mount target must use so no symlink leads out); the missing rest is appended as given.
        /// </summary>
        public static string ResolveContainerPath(IReadOnlyList<string> layersTopFirst, string containerPath)
        {
            var (parts, _, missing) = Walk(layersTopFirst, containerPath);
            parts.AddRange(missing);
            return "/" + string.Join('/', parts);
        }

        private static (List<string> Parts, LayeredFilesystem.Node? Node, List<string> Missing) Walk(IReadOnlyList<string> layers, string containerPath)
        {
            var fs = new LayeredFilesystem(layers);
            var parts = new List<string>();
            var nodes = new List<LayeredFilesystem.Node> { fs.Root };
            var pending = new Stack<string>(Reverse(containerPath.Split('/', StringSplitOptions.RemoveEmptyEntries)));
            int links = 0;
            while (pending.Count > 0)
            {
                string part = pending.Pop();
                if (part == ".") continue;
                if (part == "..")
                {
                    if (parts.Count > 0) { parts.RemoveAt(parts.Count - 1); nodes.RemoveAt(nodes.Count - 1); }
                    continue;
                }
                var dir = nodes[^1];
                var child = dir.IsDirectory ? fs.Child(dir, part) : null;
                if (child == null)
                {
                    var missing = new List<string> { part };
                    while (pending.Count > 0) missing.Add(pending.Pop());
                    return (parts, null, missing);
                }
                if (child.IsSymlink && new FileInfo(child.HostPath).LinkTarget is string target)
                {
                    if (++links > MaxSymlinks) return (parts, null, new List<string> { part });
                    if (target.StartsWith('/')) { parts.Clear(); nodes.RemoveRange(1, nodes.Count - 1); }
                    foreach (var t in Reverse(target.Split('/', StringSplitOptions.RemoveEmptyEntries))) pending.Push(t);
                    continue;
                }
                parts.Add(part);
                nodes.Add(child);
            }
            return (parts, nodes[^1], new List<string>());
        }

        /// <summary>Finds COMMAND like execvp would inside the container: as given when it has a '/', else on PATH.</summary>
        public static string? FindCommand(string rootfs, string command, string searchPath) => FindCommand(new[] { rootfs }, command, searchPath);

        public static string? FindCommand(IReadOnlyList<string> layersTopFirst, string command, string searchPath)
        {
            if (command.Contains('/')) return IsExecutableFile(Resolve(layersTopFirst, command)) ? command : null;
            foreach (var dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = dir.TrimEnd('/') + "/" + command;
                if (IsExecutableFile(Resolve(layersTopFirst, candidate))) return candidate;
            }
            return null;
        }

        private static bool IsExecutableFile(string? host) =>
            host != null && File.Exists(host) &&
            (File.GetUnixFileMode(host) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

        private static IEnumerable<string> Reverse(string[] a) { for (int i = a.Length - 1; i >= 0; i--) yield return a[i]; }
    }
}
