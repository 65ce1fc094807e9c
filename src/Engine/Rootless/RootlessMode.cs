using System;
using System.IO;
using System.Runtime.InteropServices;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>
    /// Who runs the engine. Root keeps /var/lib/minidocker and /run/minidocker; any other user is rootless:
    /// state under $XDG_DATA_HOME, run state under $XDG_RUNTIME_DIR (or a private /tmp fallback), containers in
    /// a user namespace of their own.
    /// </summary>
    public static class RootlessMode
    {
        [DllImport("libc", EntryPoint = "geteuid")] private static extern uint GetEuid();
        [DllImport("libc", EntryPoint = "getegid")] private static extern uint GetEgid();

        public static uint Uid => GetEuid();
        public static uint Gid => GetEgid();
        public static bool IsRootless => Uid != 0;

        /// <summary>$XDG_DATA_HOME/minidocker (default ~/.local/share/minidocker); /var/lib/minidocker for root.</summary>
        public static string DefaultStateRoot()
        {
            if (!IsRootless) return "/var/lib/minidocker";
            // The XDG spec: a relative value is invalid and ignored.
            string? data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (data is not { Length: > 0 } || !data.StartsWith('/'))
                data = Path.Combine(Home(), ".local", "share");
            return Path.Combine(data, "minidocker");
        }

        /// <summary>
        /// $XDG_RUNTIME_DIR/minidocker when the session has one; else /tmp/minidocker-run-UID, which
        /// <see cref="SecureRunRoot"/> makes (or accepts only as) this user's own 0700 directory. /run/minidocker for root.
        /// </summary>
        public static string DefaultRunRoot()
        {
            if (!IsRootless) return "/run/minidocker";
            string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (runtime is { Length: > 0 } && runtime.StartsWith('/') && Directory.Exists(runtime))
                return Path.Combine(runtime, "minidocker");
            return Path.Combine(Path.GetTempPath(), $"minidocker-run-{Uid}");
        }

        /// <summary>
        /// Rootless: makes RUNROOT (mkdir 0700, never through a symlink) and checks it is a directory of this user
        /// with no access for anyone else. In a shared /tmp another user could have made it first, to read or
        /// plant the monitors' exit files and attach sockets: then nothing is used, and the error says what to do.
        /// </summary>
        public static void SecureRunRoot(string runRoot)
        {
            if (!IsRootless) return;
            string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runRoot));
            if (parent != null && !Directory.Exists(parent))
                throw Unsafe(runRoot, $"its parent '{parent}' does not exist");
            if (Mkdir(runRoot, 0x1C0 /* 0700 */) != 0 && Marshal.GetLastPInvokeError() != 17 /* EEXIST */)
                throw Unsafe(runRoot, $"it cannot be created (errno {Marshal.GetLastPInvokeError()})");
            if (Lstat(runRoot) is not (uint mode, uint owner))
                throw Unsafe(runRoot, "it cannot be examined");
            if ((mode & 0xF000) != 0x4000) throw Unsafe(runRoot, "it is not a directory (a symlink?)");
            if (owner != Uid) throw Unsafe(runRoot, $"it belongs to uid {owner}, not to you (uid {Uid})");
            if ((mode & 0x3F /* 077 */) != 0) throw Unsafe(runRoot, $"others have access to it (mode {Convert.ToString(mode & 0x1FF, 8)})");
        }

        private static MiniDockerException Unsafe(string runRoot, string why) =>
            new("RootlessRunRootUnsafe", FailureKind.PermissionDenied,
                $"The run state directory '{runRoot}' cannot be used: {why}. Log in through a session that sets XDG_RUNTIME_DIR " +
                "(systemd's pam_systemd, e.g. `machinectl shell user@`), or set MINIDOCKER_RUN_ROOT to a directory only you can reach.", runRoot);

        private static string Home() =>
            Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        [DllImport("libc", EntryPoint = "mkdir", SetLastError = true)] private static extern int Mkdir(string path, uint mode);

        private static unsafe (uint Mode, uint Owner)? Lstat(string path)
        {
            Tmds.Linux.stat st;
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* p = bytes)
                return Tmds.Linux.LibC.lstat(p, &st) == 0 ? ((uint)st.st_mode, (uint)st.st_uid) : null;
        }
    }
}
