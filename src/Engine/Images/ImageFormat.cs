using System.IO;

namespace MiniDocker.Engine.Images
{
    /// <summary>What an image file is, from its first bytes.</summary>
    internal static class ImageFormat
    {
        /// <summary>False when the file starts like gzip or zstd: only an uncompressed tar may be a docker save archive or an OCI layout.</summary>
        public static bool IsPlainTar(string path)
        {
            using var f = File.OpenRead(path);
            var head = new byte[4];
            int n = f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            return !(n >= 2 && head[0] == 0x1f && head[1] == 0x8b) && !(n == 4 && head[0] == 0x28 && head[1] == 0xb5);
        }
    }
}
