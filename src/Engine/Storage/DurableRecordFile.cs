using System.IO;
using System.Runtime.InteropServices;

namespace MiniDocker.Engine.Storage
{
    /// <summary>
    /// Keeps a second name (a hard link) on a record's last fsync'd version. Later saves without fsync replace only the
    /// first name; the inode under the second keeps the durable content, which a machine crash cannot cut short.
    /// </summary>
    internal static class DurableRecordFile
    {
        private const int EEXIST = 17;

        [DllImport("libc", EntryPoint = "link", SetLastError = true)] private static extern int Link(string oldPath, string newPath);

        /// <summary>Links DURABLE to PATH's current inode (through a temp name and a rename: never half there). Best effort.</summary>
        public static void Keep(string path, string durable)
        {
            string tmp = durable + ".tmp";
            if (Link(path, tmp) != 0)
            {
                // A temp a killed save left: replace it once; any other failure leaves the previous durable version.
                if (Marshal.GetLastPInvokeError() != EEXIST) return;
                File.Delete(tmp);
                if (Link(path, tmp) != 0) return;
            }
            try { File.Move(tmp, durable, overwrite: true); }
            catch (System.Exception e) when (e is IOException or System.UnauthorizedAccessException)
            {
                try { File.Delete(tmp); } catch (IOException) { }
            }
        }
    }
}
