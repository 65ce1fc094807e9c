using System.IO;
using System.Text;

namespace MiniDocker.Engine.Storage
{
    /// <summary>Writes that are all-or-nothing: temp file, fsync, rename.</summary>
    public static class AtomicFile
    {
        public static void WriteAllText(string path, string content) => WriteAllText(path, content, durable: true);

        /// <summary>
        /// Without DURABLE no fsync (about 3 ms on ext4): still all-or-nothing for every reader and for a killed
        /// process, but a machine crash may lose the new content (see ContainerStore.SaveState for who may).
        /// </summary>
        public static void WriteAllText(string path, string content, bool durable) =>
            Write(path, fs =>
            {
                byte[] bytes = Encoding.UTF8.GetBytes(content);
                fs.Write(bytes, 0, bytes.Length);
            }, durable);

        /// <summary>PATH holds all that WRITE wrote, or is as it was: WRITE fills a private temp file that replaces PATH.</summary>
        public static void Write(string path, System.Action<Stream> write) => Write(path, write, durable: true);

        /// <summary>As <see cref="Write(string, System.Action{Stream})"/>; DURABLE: fsync'd before it replaces PATH.</summary>
        public static void Write(string path, System.Action<Stream> write, bool durable)
        {
            string tmp = path + ".tmp";
            try
            {
                using (var fs = PrivateFile.Create(tmp))
                {
                    write(fs);
                    fs.Flush(flushToDisk: durable);
                }
                File.Move(tmp, path, overwrite: true);
            }
            catch
            {
                // A full disk fails the write (or the close's flush): leave no half-written temp behind.
                try { File.Delete(tmp); } catch (IOException) { }
                throw;
            }
        }
    }
}
