using System;
using Tmds.Linux;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// How a layer or upper directory records deletions, in every form the engine's overlays write or read:
    /// overlayfs whiteouts (char 0/0, or since Linux 6.8 a zero-size file with overlay.whiteout in a directory
    /// marked overlay.opaque=x), opaque directories (overlay.opaque=y), both under trusted. as root and user.
    /// rootless (the rootless overlay is mounted with userxattr); and, rootless only, fuse-overlayfs's own forms
    /// (user.fuseoverlayfs.opaque, a .wh..wh..opq file, .wh.NAME files), which its upper dirs may hold.
    /// </summary>
    internal static class OverlayMarkers
    {
        public const string WhiteoutPrefix = ".wh.", OpaqueMarker = ".wh..wh..opq";

        /// <summary>The xattr namespace of the engine's overlays: trusted.overlay. needs CAP_SYS_ADMIN, which a rootless engine has not.</summary>
        public static string Prefix => Rootless.RootlessMode.IsRootless ? "user.overlay." : "trusted.overlay.";

        public static string OpaqueXattr => Prefix + "opaque";

        // Only a rootless container can have run on fuse-overlayfs; as root a file named .wh.X is a file.
        private static bool FuseForms => Rootless.RootlessMode.IsRootless;

        public enum Mark { None, Opaque, Xwhiteouts }

        /// <summary>How directory DIR (a path, no symlink followed) is marked.</summary>
        public static Mark Of(string dir)
        {
            switch (LayerDirectory.GetXattr(dir, OpaqueXattr))
            {
                case [(byte)'y']: return Mark.Opaque;
                case [(byte)'x']: return Mark.Xwhiteouts;
            }
            if (FuseForms && (LayerDirectory.GetXattr(dir, "user.fuseoverlayfs.opaque") is [(byte)'y'] || LayeredFilesystem.Lstat(dir + "/" + OpaqueMarker) != null))
                return Mark.Opaque;
            return Mark.None;
        }

        public static bool IsOpaque(string dir) => Of(dir) == Mark.Opaque;

        /// <summary>
        /// What entry NAME (at PATH, lstat ST, in a directory marked PARENT) deletes: the name it hides, "" for a
        /// marker that hides no name (.wh..wh..opq), or null when it is content.
        /// </summary>
        public static string? Hides(string path, string name, in stat st, Mark parent)
        {
            if (FuseForms && name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
                return name == OpaqueMarker ? "" : name.Substring(WhiteoutPrefix.Length);
            if (LayerDirectory.IsWhiteout(st)) return name;
            if (parent == Mark.Xwhiteouts && ((int)st.st_mode & LayerDirectory.S_IFMT) == LayerDirectory.S_IFREG && st.st_size == 0
                && LayerDirectory.GetXattr(path, Prefix + "whiteout") != null)
                return name;
            return null;
        }

        /// <summary>Rootless: whether a fuse-overlayfs .wh.NAME file in directory DIR deletes NAME.</summary>
        public static bool HiddenByFile(string dir, string name) =>
            FuseForms && LayeredFilesystem.Lstat(dir + "/" + WhiteoutPrefix + name) != null;

        /// <summary>True when an entry named NAME at PATH is no content of the merged view (a whiteout or a marker).</summary>
        public static bool IsDeletion(string path, string name, in stat st, Mark parent) => Hides(path, name, st, parent) != null;
    }
}
