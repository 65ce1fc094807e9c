using System.Formats.Tar;
using Tmds.Linux;

namespace MiniDocker.Engine.Images
{
    internal static class TarEntryOwnership
    {
        // Rootless: an ordinary user can only chown to itself, which is container root; every file is then
        // root's inside (Podman's ignore_chown_errors). Mapping other owners into the subordinate range needs
        // root of a user namespace: with a subordinate range, LayerExtractor records them and IdShift gives them after.
        public static uid_t OwnerUid(this TarEntry e) => (uid_t)(Rootless.RootlessMode.IsRootless ? Rootless.RootlessMode.Uid : (uint)e.Uid);
        public static gid_t OwnerGid(this TarEntry e) => (gid_t)(Rootless.RootlessMode.IsRootless ? Rootless.RootlessMode.Gid : (uint)e.Gid);
    }
}
