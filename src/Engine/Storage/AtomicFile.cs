using System.IO;
using System.Text;

namespace MiniDocker.Engine.Storage
{
    /// <summary>Writes that are all-or-nothing: temp file, fsync, rename.</summary>
    public static class AtomicFile
    {
        public static void WriteAllText(string path, string content) =>
            Write(path, fs =>
            {
                byte[] bytes = Encoding.UTF8.GetBytes(content);
                fs.Write(bytes, 0, bytes.Length);
            });

        /// <summary>PATH holds all that WRITE wrote, or is as it was: WRITE fills a private temp file that replaces PATH.</summary>
        public static void Write(string path, System.Action<Stream> write)
        {
            string tmp = path + ".tmp";
            try
            {
                using (var fs = PrivateFile.Create(tmp))
                {
                    write(fs);
                    fs.Flush(flushToDisk: true);
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
