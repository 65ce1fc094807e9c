using System.IO;
using System.Threading;

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Deletes DIR and everything in it, retrying briefly while it refills: a monitor whose init was just killed
        /// writes its exit files (exit.tmp, then the rename) into a folder being deleted ('Directory not empty').
        /// </summary>
        private static void DeleteTreeRacingMonitor(string dir)
        {
            for (int attempt = 0; ; attempt++)
            {
                try { Directory.Delete(dir, recursive: true); return; }
                catch (DirectoryNotFoundException) { return; }
                catch (IOException) when (attempt < 100) { Thread.Sleep(10); }
            }
        }
    }
}
