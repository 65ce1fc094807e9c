using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>What rootless mode finds on this host, for Get-MiniSystemInfo.</summary>
    public sealed class RootlessProbe
    {
        public string Mode { get; init; } = "";
        public string? User { get; init; }
        public string? SubUidRange { get; init; }
        public string? SubGidRange { get; init; }
        public string? NewUidMap { get; init; }
        public string? NewGidMap { get; init; }
        public string? IdMappingWarning { get; init; }
        public IReadOnlyList<string> DelegatedControllers { get; init; } = Array.Empty<string>();
        public bool OverlayInUserNamespace { get; init; }
        public string? FuseOverlayFs { get; init; }
        /// <summary>The overlay a rootless container gets here: native, fuse-overlayfs (the kernel refuses native, or MINIDOCKER_ROOTLESS_OVERLAY says so), or none.</summary>
        public string RootlessOverlay { get; init; } = "";
        public string? Pasta { get; init; }
        /// <summary>The user-mode network's fallback where pasta is missing.</summary>
        public string? Slirp4netns { get; init; }

        public static RootlessProbe Collect(CgroupLayout layout)
        {
            uint uid = RootlessMode.Uid;
            string? name = SubordinateRange.UserName(uid);
            bool overlay = ProbeOverlay();
            return new RootlessProbe
            {
                Mode = RootlessMode.IsRootless ? "rootless" : "root",
                User = name ?? uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                SubUidRange = SubordinateRange.For("/etc/subuid", name, uid)?.ToString(),
                SubGidRange = SubordinateRange.For("/etc/subgid", name, uid)?.ToString(),
                NewUidMap = IdMapping.FindTool("newuidmap"),
                NewGidMap = IdMapping.FindTool("newgidmap"),
                IdMappingWarning = RootlessMode.IsRootless ? IdMapping.ForCurrentUser().Warning : null,
                DelegatedControllers = RootlessMode.IsRootless ? RootlessCgroups.DelegatedControllers(layout) : Array.Empty<string>(),
                OverlayInUserNamespace = overlay,
                FuseOverlayFs = Rootless.RootlessOverlay.FindTool(),
                RootlessOverlay = Rootless.RootlessOverlay.Describe(overlay),
                Pasta = Networking.PastaNetwork.Find(),
                Slirp4netns = Networking.Slirp4netnsNetwork.Find(),
            };
        }

        /// <summary>
        /// Mounts a real overlay in a new user namespace (util-linux unshare, as this user): the kernel's answer, not
        /// a guess from its version (5.11 allowed it, and a distribution or LSM may still refuse).
        /// </summary>
        public static bool ProbeOverlay()
        {
            string? unshare = IdMapping.FindTool("unshare");
            if (unshare == null) return false;
            string dir = Path.Combine(Path.GetTempPath(), "minidocker-overlay-probe-" + Guid.NewGuid().ToString("N"));
            try
            {
                foreach (var d in new[] { "l", "u", "w", "m" }) Directory.CreateDirectory(Path.Combine(dir, d));
                var psi = new ProcessStartInfo(unshare) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var a in new[] { "--user", "--map-root-user", "--mount", "mount", "-t", "overlay", "overlay", "-o", "lowerdir=l,upperdir=u,workdir=w", "m" })
                    psi.ArgumentList.Add(a);
                using var p = Process.Start(psi);
                if (p == null) return false;
                p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                return p.ExitCode == 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception) { return false; }
            finally { RootlessFiles.DeleteTree(dir); }
        }
    }
}
