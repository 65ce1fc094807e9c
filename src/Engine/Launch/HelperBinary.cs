using System;
using System.IO;
using System.Runtime.InteropServices;

namespace MiniDocker.Engine.Launch
{
    /// <summary>
    /// Finds the mdhelper for this process's architecture and makes sure it can run. The module carries
    /// one static helper per runtime (runtimes/linux-x64/mdhelper, runtimes/linux-arm64/mdhelper); a
    /// package install (nupkg) loses the execute bit, so the mode is restored at module load.
    /// </summary>
    public static class HelperBinary
    {
        /// <summary>The .NET runtime identifier of this process (linux-x64, linux-arm64), or null when MiniDocker has no helper for it.</summary>
        public static string? RuntimeId => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "linux-x64",
            Architecture.Arm64 => "linux-arm64",
            _ => null,
        };

        /// <summary>The helper in MODULEDIR: runtimes/RID/mdhelper, else MODULEDIR/mdhelper (a development layout).</summary>
        public static string DefaultPath(string moduleDir)
        {
            if (RuntimeId is string rid && Path.Combine(moduleDir, "runtimes", rid, "mdhelper") is var p && File.Exists(p)) return p;
            string flat = Path.Combine(moduleDir, "mdhelper");
            if (File.Exists(flat) || RuntimeId is not string r) return flat;
            return Path.Combine(moduleDir, "runtimes", r, "mdhelper");
        }

        private static readonly string ModuleDir = Path.GetDirectoryName(typeof(HelperBinary).Assembly.Location) ?? ".";

        /// <summary>The helper this module carries (runtimes/RID/mdhelper next to the engine), as opposed to MINIDOCKER_HELPER.</summary>
        public static string PackagedPath => DefaultPath(ModuleDir);

        private static bool IsPackaged(string path) => Path.GetFullPath(path).StartsWith(ModuleDir + Path.DirectorySeparatorChar, StringComparison.Ordinal);

        private static bool IsExecutable(string path) => (File.GetUnixFileMode(path) & Executable) != 0;

        private const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

        /// <summary>
        /// Gives PATH mode 0755 when it exists without execute bits and this user may change it; returns
        /// null when the helper can run, else why it cannot (kept for the first start's error).
        /// </summary>
        public static string? RestoreMode(string path)
        {
            if (!File.Exists(path)) return null;   // Require says what is missing
            UnixFileMode mode = File.GetUnixFileMode(path);
            if ((mode & Executable) != 0) return null;
            try
            {
                File.SetUnixFileMode(path, mode | UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                    | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                return null;
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                return e.Message;
            }
        }

        /// <summary>Throws a specific error unless PATH exists and is executable (after trying to restore its mode).</summary>
        public static void Require(string path)
        {
            if (!File.Exists(path))
            {
                string what = RuntimeId is null
                    ? $"MiniDocker has no helper for this architecture ({RuntimeInformation.ProcessArchitecture}); it supports linux-x64 and linux-arm64."
                    : $"The MiniDocker helper '{path}' is missing; rebuild the module with ./build.ps1, reinstall it, or set MINIDOCKER_HELPER.";
                throw new MiniDockerException("HelperNotFound", FailureKind.NotInstalled, what, path);
            }
            // Only the package's own helper is repaired; a MINIDOCKER_HELPER elsewhere is the user's file.
            string why = IsPackaged(path) ? RestoreMode(path) ?? "" : IsExecutable(path) ? "" : "it is not the module's own helper, so its mode is left alone";
            if (why.Length > 0)
            {
                string mode = Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');
                throw new MiniDockerException("HelperNotExecutable", FailureKind.PermissionDenied,
                    $"The MiniDocker helper '{path}' is not executable (mode {mode}) and could not be made so ({why}). " +
                    $"Run 'chmod 0755 {path}' as its owner, or set MINIDOCKER_HELPER to an executable copy.", path);
            }
        }
    }
}
