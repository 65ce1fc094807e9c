using System;
using System.IO;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>Deleting what a user-namespace overlay left: the kernel makes work/work mode 000, which only root can list.</summary>
    public static class RootlessFiles
    {
        /// <summary>Deletes DIR recursively, first giving back owner access to directories the kernel made unreadable; a missing DIR is fine.</summary>
        public static void DeleteTree(string dir)
        {
            if (!Directory.Exists(dir)) return;
            try { Directory.Delete(dir, recursive: true); return; }
            catch (UnauthorizedAccessException) { }
            catch (IOException) { }
            // Files a container chowned into the subordinate range (or an image's owners) go only as root of the user namespace.
            if (IdShift.Delete(dir)) return;
            OpenUp(dir);
            Directory.Delete(dir, recursive: true);
        }

        private static void OpenUp(string dir)
        {
            var info = new DirectoryInfo(dir);
            if (info.LinkTarget != null) return;
            try { File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
            catch (UnauthorizedAccessException) { return; }
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if (new DirectoryInfo(sub).LinkTarget == null) OpenUp(sub);
        }
    }
}
