using System;
using System.IO;

namespace MiniDocker.Tests
{
    /// <summary>A fresh directory under /tmp, deleted with everything in it on dispose.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "minidocker-unit-" + Guid.NewGuid().ToString("n"));

        /// <summary>Creates the file RELATIVE (and its parents) with CONTENT; returns its full path.</summary>
        public string File(string relative, string content = "", UnixFileMode? mode = null)
        {
            string full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            System.IO.File.WriteAllText(full, content);
            if (mode is UnixFileMode m) System.IO.File.SetUnixFileMode(full, m);
            return full;
        }

        public string Dir(string relative) => Directory.CreateDirectory(System.IO.Path.Combine(Path, relative)).FullName;

        public string Symlink(string relative, string target)
        {
            string full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            System.IO.File.CreateSymbolicLink(full, target);
            return full;
        }

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }
}
