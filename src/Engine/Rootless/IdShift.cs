using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>
    /// Rootless storage with a subordinate range: `mdhelper userns` runs as root of a user namespace with the same
    /// mapping a container gets (what `podman unshare` gives), to give extracted files their image owners inside
    /// the range and to delete trees that hold files a container chowned into it (an ordinary user can do neither).
    /// </summary>
    public static class IdShift
    {
        private static readonly Lazy<IdMapping?> Mapping = new(() =>
            RootlessMode.IsRootless && IdMapping.ForCurrentUser() is { IsSingle: false } m ? m : null);

        /// <summary>True for a rootless user with a subordinate range (a single-mapping user keeps every file its own).</summary>
        public static bool Applies => Mapping.Value != null;

        /// <summary>The highest container uid and gid the mapping holds (0 is the user, 1..COUNT the range).</summary>
        public static (long Uid, long Gid) MaxIds => Mapping.Value is IdMapping m ? (LastCount(m.UidMap), LastCount(m.GidMap)) : (0, 0);

        private static long LastCount(string map) =>
            long.Parse(map.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture);

        /// <summary>The container uid a host uid of a rootless layer or upper dir stands for (as the kernel shows it inside: 65534 when unmapped).</summary>
        public static uint ToContainerUid(uint hostUid) => ToContainer(hostUid, RootlessMode.IsRootless ? ContainerMapping.Value?.UidMap : null);

        public static uint ToContainerGid(uint hostGid) => ToContainer(hostGid, RootlessMode.IsRootless ? ContainerMapping.Value?.GidMap : null);

        // Every rootless user's containers run with this mapping, a single-mapping user's too.
        private static readonly Lazy<IdMapping?> ContainerMapping = new(() => RootlessMode.IsRootless ? IdMapping.ForCurrentUser() : null);

        /// <summary>MAP is "inside host count" triples (uid_map's form); null maps nothing (root: the ids are the container's).</summary>
        internal static uint ToContainer(uint hostId, string? map)
        {
            if (map == null) return hostId;
            var f = map.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i + 2 < f.Length; i += 3)
            {
                uint inside = uint.Parse(f[i], CultureInfo.InvariantCulture), host = uint.Parse(f[i + 1], CultureInfo.InvariantCulture), count = uint.Parse(f[i + 2], CultureInfo.InvariantCulture);
                if (hostId >= host && hostId - host < count) return inside + (hostId - host);
            }
            return 65534;
        }

        private static string HelperPath =>
            Environment.GetEnvironmentVariable("MINIDOCKER_HELPER") is { Length: > 0 } h ? h : Launch.HelperBinary.PackagedPath;

        /// <summary>
        /// Gives each path of RECORDS (relative to ROOT, resolved inside it; a missing one is skipped) its container
        /// owner and then its mode again (chown clears setuid/setgid; MODE -1 leaves it, for a symlink).
        /// </summary>
        public static void Chown(string root, IReadOnlyCollection<(string Path, uint Uid, uint Gid, int Mode)> records, string source)
        {
            if (Mapping.Value is not IdMapping m || records.Count == 0) return;
            string list = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(root)) ?? "/", ".owners-" + Guid.NewGuid().ToString("N"));
            try
            {
                using (var f = new FileStream(list, FileMode.CreateNew, FileAccess.Write))
                    foreach (var (path, uid, gid, mode) in records)
                    {
                        byte[] b = Encoding.UTF8.GetBytes($"{uid} {gid} {mode} {path}\0");
                        f.Write(b, 0, b.Length);
                    }
                var (code, error) = Run(m, "chown", root, list);
                if (code != 0)
                    throw new MiniDockerException(code == 3 ? "ImageIdOutsideRange" : "ImageOwnershipFailed", code == 3 ? FailureKind.InvalidArgument : FailureKind.WriteError,
                        $"The files of '{source}' could not be given their owners in your subordinate id range: {error}", source);
            }
            finally { File.Delete(list); }
        }

        /// <summary>Deletes DIR as root of the user namespace: files a container chowned into the range included. False without a range.</summary>
        public static bool Delete(string dir)
        {
            if (Mapping.Value is not IdMapping m) return false;
            var (code, error) = Run(m, "rm", Path.GetFullPath(dir));
            if (code != 0)
                throw new IOException($"'{dir}' could not be deleted in your user namespace: {error}");
            return true;
        }

        private static (int Code, string Error) Run(IdMapping m, params string[] op)
        {
            var psi = new ProcessStartInfo(HelperPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "userns", m.UidMap, m.GidMap, m.NewUidMap, m.NewGidMap }) psi.ArgumentList.Add(a);
            foreach (var a in op) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi) ?? throw new IOException($"'{HelperPath}' could not be started");
            var stdout = p.StandardOutput.ReadToEndAsync();
            string error = p.StandardError.ReadToEnd().Trim();
            stdout.Wait();
            p.WaitForExit();
            return (p.ExitCode, error.Length > 0 ? error : $"mdhelper userns exited with {p.ExitCode}");
        }
    }
}
