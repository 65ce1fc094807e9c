using System;
using System.IO;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Images
{
    /// <summary>An image layout folder; names resolve inside it without following a symlink out.</summary>
    internal sealed class DirectoryBlobs : IBlobs
    {
        private readonly LayerDirectory _root;
        public DirectoryBlobs(string path) => _root = new LayerDirectory(path);
        public bool Has(string name) { using var f = TryOpen(name); return f != null; }
        public long Length(string name) { using var f = Open(name); return f.Length; }
        public Stream Open(string name) => TryOpen(name) ?? throw new MiniDockerException("ImageArchiveInvalid", FailureKind.InvalidArgument, $"'{_root.Path}' has no file '{name}'.", name);

        private FileStream? TryOpen(string name)
        {
            int fd = _root.OpenInRoot(name, O_RDONLY | O_NOFOLLOW);
            return fd < 0 ? null : new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle((IntPtr)fd, true), FileAccess.Read, 1 << 20);
        }

        public void Dispose() => _root.Dispose();
    }
}
