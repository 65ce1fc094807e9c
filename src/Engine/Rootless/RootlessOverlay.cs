using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using MiniDocker.Engine.Launch;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>The rootless rootfs served by fuse-overlayfs: its binary and where its messages go (the helper's `fuseoverlay` directive).</summary>
    public sealed record FuseOverlayMount(string Tool, string LogPath);

    /// <summary>
    /// Which overlay serves a rootless container's rootfs, as Podman decides it: the kernel's overlayfs mounted inside
    /// the user namespace (Linux 5.11+), and fuse-overlayfs where the kernel refuses that (older kernels, some WSL2
    /// ones, an upper dir on a filesystem overlayfs cannot use). The refusal is the kernel's answer to the real mount,
    /// not a guess: the first start that meets it is launched again with fuse-overlayfs, and this process remembers.
    /// MINIDOCKER_ROOTLESS_OVERLAY=native|fuse-overlayfs forces one; MINIDOCKER_FUSE_OVERLAYFS names the binary.
    /// </summary>
    public static class RootlessOverlay
    {
        public const string Native = "native", Fuse = "fuse-overlayfs";
        public const string ModeVariable = "MINIDOCKER_ROOTLESS_OVERLAY", ToolVariable = "MINIDOCKER_FUSE_OVERLAYFS";
        public const string LogFileName = "fuse-overlayfs.log";
        private const string FuseDevice = "/dev/fuse";
        /// <summary>statfs f_type of a FUSE mount (the kernel answers it even to a process the mount does not serve).</summary>
        public const long FuseSuperMagic = 0x65735546;

        // Set when the kernel refused the native mount: later starts in this process go straight to fuse-overlayfs.
        private static volatile string? _nativeRefusal;

        /// <summary>The forced mode, or null for "native, fuse-overlayfs where refused".</summary>
        public static string? Forced(Container? c = null)
        {
            string? v = Environment.GetEnvironmentVariable(ModeVariable);
            if (string.IsNullOrEmpty(v)) return null;
            if (v is Native or Fuse) return v;
            if (v == "fuse") return Fuse;
            throw new MiniDockerException("InvalidRootlessOverlay", FailureKind.InvalidArgument,
                $"{ModeVariable}='{v}' is not an overlay: use '{Native}' or '{Fuse}' (or leave it unset: native, fuse-overlayfs where the kernel refuses it).", c);
        }

        /// <summary>The fuse-overlayfs binary: MINIDOCKER_FUSE_OVERLAYFS, else the system's (never from PATH, like the uidmap tools).</summary>
        public static string? FindTool() =>
            Environment.GetEnvironmentVariable(ToolVariable) is { Length: > 0 } t ? (File.Exists(t) ? t : null) : IdMapping.FindTool("fuse-overlayfs");

        /// <summary>What new rootless containers get here, for Get-MiniSystemInfo: native, fuse-overlayfs, or none (no start can succeed).</summary>
        public static string Describe(bool nativeWorks)
        {
            string? forced;
            try { forced = Forced(); }
            catch (MiniDockerException) { return "none"; }
            if (forced == Native || (forced == null && nativeWorks && _nativeRefusal == null)) return Native;
            return FindTool() != null ? Fuse : "none";
        }

        /// <summary>Before the first launch of C: fuse-overlayfs when forced or already known to be needed, else null (native).</summary>
        public static FuseOverlayMount? FirstChoice(Container c, string runDirectory)
        {
            string? forced = Forced(c);
            if (forced == Native || (forced == null && _nativeRefusal == null)) return null;
            return Require(c, runDirectory, forced == Fuse ? $"{ModeVariable}={Fuse}" : _nativeRefusal!);
        }

        /// <summary>
        /// After a failed native launch: fuse-overlayfs when the failure was the kernel refusing overlayfs in the user
        /// namespace (EPERM, EINVAL, ENODEV from the rootfs mount) and nothing forces native; null otherwise.
        /// </summary>
        public static FuseOverlayMount? Fallback(HelperReport r, Container c, string runDirectory)
        {
            if (r.Ok || r.Step != "mount" || r.Argument != "rootfs" || r.Errno is not (1 or 19 or 22)) return null;
            string refusal = $"the kernel refused overlayfs in a user namespace ({Marshal.GetPInvokeErrorMessage(r.Errno)})";
            if (Forced(c) == Native)
                throw new MiniDockerException("RootlessOverlayRefused", FailureKind.NotImplemented,
                    $"Container '{c.Name}' could not mount its root filesystem: {refusal}, and {ModeVariable}={Native} rules out the fuse-overlayfs fallback: unset it.", c);
            if (Forced(c) != null) return null;
            _nativeRefusal = refusal;
            return Require(c, runDirectory, _nativeRefusal);
        }

        /// <summary>fuse-overlayfs installed and /dev/fuse usable by this user; WHY says why it is needed.</summary>
        private static FuseOverlayMount Require(Container c, string runDirectory, string why)
        {
            string tool = FindTool() ?? throw new MiniDockerException("RootlessOverlayUnsupported", FailureKind.NotInstalled,
                $"Container '{c.Name}' needs fuse-overlayfs for its root filesystem ({why}), and it is not installed" +
                (Environment.GetEnvironmentVariable(ToolVariable) is { Length: > 0 } t ? $" at {t} ({ToolVariable})" : "") +
                ": `sudo apt-get install fuse-overlayfs` (Debian/Ubuntu).", c);
            if (Access(FuseDevice, 6 /* R_OK | W_OK */) != 0)
                throw new MiniDockerException("FuseDeviceUnavailable", FailureKind.PermissionDenied,
                    $"Container '{c.Name}' needs fuse-overlayfs ({why}), which needs {FuseDevice} readable and writable by you (udev makes it mode 0666 " +
                    $"on a standard install; here it is not: ask the administrator for `chmod 0666 {FuseDevice}`).", c);
            return new FuseOverlayMount(tool, Path.Combine(runDirectory, LogFileName));
        }

        /// <summary>The helper's `fuseoverlay` step failed: the binary could not run, or fuse-overlayfs said why in its log.</summary>
        public static MiniDockerException StartFailure(HelperReport r, Container c, string runDirectory)
        {
            if (r.Errno == 2 /* ENOENT */ && r.Argument.StartsWith('/') && !File.Exists(r.Argument))
                return new MiniDockerException("RootlessOverlayUnsupported", FailureKind.NotInstalled,
                    $"fuse-overlayfs ({r.Argument}) could not be run for container '{c.Name}': `sudo apt-get install fuse-overlayfs` (Debian/Ubuntu).", c);
            string? said = LastMessage(Path.Combine(runDirectory, LogFileName));
            return new MiniDockerException("FuseOverlayFsFailed", FailureKind.InvalidOperation,
                $"fuse-overlayfs could not mount the root filesystem of container '{c.Name}': " +
                (said ?? $"{r.Argument}: {Marshal.GetPInvokeErrorMessage(r.Errno)}") + ".", c);
        }

        private static string? LastMessage(string log)
        {
            try
            {
                return !File.Exists(log) ? null
                    : File.ReadAllLines(log).Where(l => l.Trim().Length > 0 && !l.StartsWith("unknown argument ignored", StringComparison.Ordinal)).LastOrDefault()?.Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }

        [DllImport("libc", EntryPoint = "access", SetLastError = true)] private static extern int Access(string path, int mode);
    }
}
