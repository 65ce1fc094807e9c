using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Storage
{
    /// <summary>A container's filesystem on the host: its volumes and tmpfs mounts, their targets, and the layer stack it sees.</summary>
    public static class ContainerMounts
    {
        /// <summary>The bind mounts (hostPath:containerPath[:ro|rw,suid]) and tmpfs mounts a spec asks for, validated.</summary>
        public static List<ContainerMount> Parse(ContainerSpec spec)
        {
            var mounts = new List<ContainerMount>();
            foreach (var v in spec.Volumes)
            {
                var parts = v.Split(':');
                var options = parts.Length == 3 ? parts[2].Split(',') : System.Array.Empty<string>();
                if (parts.Length is < 2 or > 3 || options.Any(o => o is not ("ro" or "rw" or "suid")) || (options.Contains("ro") && options.Contains("rw")) || parts[0].Length == 0)
                    throw new MiniDockerException("InvalidVolume", FailureKind.InvalidArgument, $"Volume '{v}' is not hostPath:containerPath[:OPTIONS], OPTIONS a comma-separated list of ro or rw, and suid.", v);
                string source = spec.HostPath(parts[0]);
                if (!File.Exists(source) && !Directory.Exists(source))
                    throw new MiniDockerException("VolumeSourceNotFound", FailureKind.ObjectNotFound, $"Volume source '{source}' does not exist on the host; create it first.", source);
                mounts.Add(new ContainerMount { Type = "bind", Source = source, Target = Target(parts[1], v), ReadOnly = options.Contains("ro"), Suid = options.Contains("suid") });
            }
            foreach (var t in spec.Tmpfs) mounts.Add(new ContainerMount { Type = "tmpfs", Target = Target(t, t) });
            return mounts;
        }

        /// <summary>PATH as a normalized absolute path inside the container; SPEC is what the user wrote (for the error).</summary>
        public static string Target(string path, string spec)
        {
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
            if (!path.StartsWith('/') || parts.Count == 0 || parts.Contains("..") || path.Contains('\0'))
                throw new MiniDockerException("InvalidMountTarget", FailureKind.InvalidArgument, $"Mount target '{path}' (in '{spec}') must be an absolute path below / without '..'.", spec);
            return "/" + string.Join('/', parts);
        }

        /// <summary>
        /// Mount targets with every symlink resolved inside the container's current filesystem (its upper
        /// dir over its lower dirs, as the container left it), so the helper never follows one out.
        /// </summary>
        public static List<ContainerMount> ResolveTargets(Container c, string containerDir)
        {
            // A source deleted since creation would fail the bind mount with ENOENT, which reads like the rootfs's fault.
            foreach (var m in c.Mounts)
                if (m.Type == "bind" && !File.Exists(m.Source) && !Directory.Exists(m.Source))
                    throw new MiniDockerException("VolumeSourceNotFound", FailureKind.ObjectNotFound,
                        (p, op) => $"Volume source '{m.Source}' of container '{c.Name}' no longer exists on the host; create it again, or recreate the container without {p("Volumes")} {m}.", c);
            var view = View(c, containerDir);
            return c.Mounts.Select(m => new ContainerMount { Type = m.Type, Source = m.Source, ReadOnly = m.ReadOnly, Suid = m.Suid, Target = RootfsPath.ResolveContainerPath(view, m.Target) })
                .Select(m => m.Target == "/" ? throw new MiniDockerException("InvalidMountTarget", FailureKind.InvalidArgument, $"Mount target of '{m}' resolves to the container's root.", c) : m)
                .ToList();
        }

        /// <summary>The overlay's lower dirs, bottom first.</summary>
        public static IReadOnlyList<string> LowerDirs(Container c) => c.Layers.Count > 0 ? c.Layers : new[] { c.RootFs };

        /// <summary>What the container sees, top first: its upper dir (in CONTAINERDIR) over its lower dirs.</summary>
        public static IReadOnlyList<string> View(Container c, string containerDir)
        {
            var view = new List<string>();
            string upper = Path.Combine(containerDir, "upper");
            if (Directory.Exists(upper)) view.Add(upper);
            view.AddRange(LowerDirs(c).Reverse());
            return view;
        }
    }
}
