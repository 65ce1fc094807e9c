using System.Formats.Tar;
using Tmds.Linux;

namespace MiniDocker.Engine.Images
{
    internal static class TarEntryOwnership
    {
        public static uid_t OwnerUid(this TarEntry e) => (uid_t)(uint)e.Uid;
        public static gid_t OwnerGid(this TarEntry e) => (gid_t)(uint)e.Gid;
    }
}
