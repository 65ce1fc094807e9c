using System;
using System.IO;

namespace MiniDocker.Engine.Storage
{
    /// <summary>
    /// State belongs to root alone: 0700 directories, 0600 files. An upper layer may hold a setuid-root
    /// file a container wrote, and config.json and plans hold -Environment values; a host user who can
    /// reach either is root or reads secrets. Modes are set per call, never through the process-wide umask.
    /// </summary>
    internal static class StateDirectory
    {
        public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                            UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

        /// <summary>Creates PATH (and its missing parents) 0700, or narrows it to 0700 when it exists wider; returns PATH.</summary>
        public static string Create(string path)
        {
            CreateMissing(path);
            Secure(path);
            return path;
        }

        // Directory.CreateDirectory gives the mode to the last directory only: missing parents are made 0700 here too.
        // Existing parents are left alone (they are the host's, e.g. /var/lib).
        private static void CreateMissing(string path)
        {
            if (Directory.Exists(path)) return;
            if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) is { Length: > 0 } parent) CreateMissing(parent);
            Directory.CreateDirectory(path, Mode);
        }

        /// <summary>
        /// Narrows PATH to 0700 when it exists and group or others have any access (a root an older
        /// version made 0755); a missing PATH is left for the first write to create.
        /// </summary>
        public static void Secure(string path)
        {
            if (!Directory.Exists(path)) return;
            try
            {
                if ((File.GetUnixFileMode(path) & Others) != 0) File.SetUnixFileMode(path, Mode);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MiniDockerException("StateDirectoryNotPrivate", FailureKind.PermissionDenied,
                    $"State directory '{path}' is reachable by other users and could not be made 0700 ({e.Message}); run as root or fix its mode with chmod 700.", path, e);
            }
        }
    }

    /// <summary>Files of the engine's state (records, plans): created 0600, and 0600 again when an older version left one wider.</summary>
    internal static class PrivateFile
    {
        public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

        /// <summary>Opens PATH for writing (FileMode.Create truncates, CreateNew refuses an existing file), mode 0600.</summary>
        public static FileStream Create(string path, FileMode mode = FileMode.Create)
        {
            var fs = new FileStream(path, new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = Mode });
            // UnixCreateMode applies only to a new file: a leftover one keeps its mode unless narrowed here.
            if (mode != FileMode.CreateNew) File.SetUnixFileMode(fs.SafeFileHandle, Mode);
            return fs;
        }
    }
}
