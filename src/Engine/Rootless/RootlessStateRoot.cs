using System.IO;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>
    /// Rootless: the state root (MINIDOCKER_ROOT, say) must be this user's own. Pointed at another user's state it
    /// is refused with a specific error before anything reads it (not a raw access error from the first file read),
    /// and a state root someone else owns is never used, even where it happens to be readable.
    /// </summary>
    public static class RootlessStateRoot
    {
        public static void Check(string stateRoot)
        {
            if (!RootlessMode.IsRootless) return;
            string path = Path.GetFullPath(stateRoot);
            // The nearest part that exists: a root not made yet is made under it, so that must be reachable.
            string? probe = path;
            while (probe != null)
            {
                var (found, owner, errno) = Lstat(probe);
                if (found)
                {
                    if (probe == path && owner != RootlessMode.Uid)
                        throw NotYours(path, $"it belongs to {Who(owner)}, not to you (uid {RootlessMode.Uid})");
                    return;
                }
                if (errno == 13 /* EACCES */)
                    throw NotYours(path, $"you may not enter '{Path.GetDirectoryName(probe) ?? "/"}' (another user's?)");
                if (errno != 2 /* ENOENT */) return;   // anything else: the engine's own error on first use says it
                probe = Path.GetDirectoryName(probe);
            }
        }

        private static string Who(uint owner) =>
            SubordinateRange.UserName(owner) is string name ? $"user '{name}' (uid {owner})" : $"uid {owner}";

        private static MiniDockerException NotYours(string path, string why) =>
            new("RootlessStateRootNotOwned", FailureKind.PermissionDenied,
                $"The state directory '{path}' cannot be used: {why}. Each user has state of their own: unset MINIDOCKER_ROOT " +
                $"(yours is {RootlessMode.DefaultStateRoot()}) or point it at a directory you own.", path);

        private static unsafe (bool Found, uint Owner, int Errno) Lstat(string path)
        {
            Tmds.Linux.stat st;
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* p = bytes)
                return Tmds.Linux.LibC.lstat(p, &st) == 0 ? (true, (uint)st.st_uid, 0) : (false, 0, Tmds.Linux.LibC.errno);
        }
    }
}
