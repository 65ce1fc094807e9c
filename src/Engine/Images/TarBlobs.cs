using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;

namespace MiniDocker.Engine.Images
{
    /// <summary>An image archive (tar): indexed once, then each file read in place (a seekable archive's entry data stays readable).</summary>
    internal sealed class TarBlobs : IBlobs
    {
        private readonly string _path;
        private readonly FileStream _archive;
        private readonly Dictionary<string, Stream> _files = new(StringComparer.Ordinal);

        private TarBlobs(string path)
        {
            _path = path;
            _archive = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        }

        public static TarBlobs Index(string path)
        {
            var blobs = new TarBlobs(path);
            var links = new Dictionary<string, string>(StringComparer.Ordinal);
            string? last = null;
            try
            {
#pragma warning disable CA2000 // disposing the reader would dispose the entry streams kept in _files; the archive owns them
                var reader = new TarReader(blobs._archive, leaveOpen: true);
#pragma warning restore CA2000
                while (reader.GetNextEntry(copyData: false) is TarEntry e)
                {
                    last = e.Name;
                    string name = LayerExtractor.Normalize(e.Name, path);
                    if (e.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && e.DataStream != null)
                        blobs._files[name] = e.DataStream;
                    else if (e.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                        links[name] = e.EntryType == TarEntryType.HardLink || e.LinkName.StartsWith('/') ? e.LinkName : LayerDirectory.ParentOf(name) + "/" + e.LinkName;
                }
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or OverflowException)
            {
                blobs.Dispose();
                throw new MiniDockerException("ImageArchiveInvalid", FailureKind.InvalidArgument, $"'{path}' is not a valid tar archive: {LayerExtractor.WhyHeaderInvalid(e, last)}", path);
            }
            catch { blobs.Dispose(); throw; }
            // docker save (older versions) links a repeated layer to its first copy: ../ID/layer.tar.
            foreach (var (name, target) in links)
                if (Lexical(target) is string t && blobs._files.TryGetValue(t, out var f)) blobs._files[name] = f;
            return blobs;
        }

        private static string? Lexical(string path)
        {
            var parts = new List<string>();
            foreach (var p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (p == ".") continue;
                if (p == "..") { if (parts.Count == 0) return null; parts.RemoveAt(parts.Count - 1); }
                else parts.Add(p);
            }
            return string.Join('/', parts);
        }

        public bool Has(string name) => _files.ContainsKey(Lexical(name) ?? "");
        public long Length(string name) => _files.TryGetValue(Lexical(name) ?? "", out var f) ? f.Length : 0;

        public Stream Open(string name)
        {
            if (!_files.TryGetValue(Lexical(name) ?? "", out var f))
                throw new MiniDockerException("ImageArchiveInvalid", FailureKind.InvalidArgument, $"'{_path}' has no file '{name}'.", name);
            f.Position = 0;
            return new Borrowed(f);
        }

        public void Dispose() => _archive.Dispose();

        /// <summary>Reads an entry's data without closing it (the archive owns it).</summary>
        private sealed class Borrowed : ReadOnlyStream
        {
            private readonly Stream _inner;
            public Borrowed(Stream inner) => _inner = inner;
            public override int Read(Span<byte> buffer) => _inner.Read(buffer);
            public override long Length => _inner.Length;
        }
    }
}
