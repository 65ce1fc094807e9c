using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Pipes;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine
{
    /// <summary>
    /// Reads the formats an image comes in and adds its layers to the store: a rootfs tarball (.tar,
    /// .tar.gz), a rootfs folder, a `docker save` archive and an OCI image layout (each a tar or a
    /// folder). Returns the image record (no tags yet). Caller holds the store lock.
    /// </summary>
    internal sealed class ImageImporter
    {
        private const long ReportEvery = 4 << 20;
        private readonly ImageStore _store;
        private readonly LayerExtractor _extractor;
        private readonly Action<long, long>? _progress;
        private long _done, _total = -1, _reported;

        /// <summary>os/arch[/variant] to take from a multi-platform OCI layout; null for this machine's.</summary>
        public string? Platform { get; init; }

        public ImageImporter(ImageStore store, LayerExtractor extractor, Action<long, long>? progress)
        {
            _store = store;
            _extractor = extractor;
            _progress = progress;
        }

        public Image Import(string path)
        {
            if (Directory.Exists(path))
            {
                if (File.Exists(Path.Combine(path, "manifest.json"))) return FromDockerSave(new DirectoryBlobs(path), path);
                if (File.Exists(Path.Combine(path, "oci-layout"))) return FromOciLayout(new DirectoryBlobs(path), path);
                return FromLayers(path, new[] { AddTree(w => FilesystemTar.WriteMerged(new[] { path }, w), path) }, new ImageConfig());
            }
            _total = new FileInfo(path).Length;
            if (!IsPlainTar(path))
                return FromLayers(path, new[] { _store.AddLayer(() => Counted(File.OpenRead(path)), path, null, _extractor) }, new ImageConfig());
            using var blobs = TarBlobs.Index(path);
            if (blobs.Has("manifest.json")) return FromDockerSave(blobs, path);
            if (blobs.Has("oci-layout") && blobs.Has("index.json")) return FromOciLayout(blobs, path);
            return FromLayers(path, new[] { _store.AddLayer(() => Counted(File.OpenRead(path)), path, null, _extractor) }, new ImageConfig());
        }

        /// <summary>A layer made by writing a tar (folder import, commit) through a pipe into the extractor.</summary>
        public LayerDigest AddTree(Action<Stream> writeTar, string source) =>
            _store.AddLayer(() => Counted(new PipedTar(writeTar)), source, null, _extractor);

        /// <summary>An image of our own making (rootfs tarball or folder, commit): the id is the sha256 of what defines it.</summary>
        public static Image FromLayers(string source, IEnumerable<LayerDigest> layers, ImageConfig config)
        {
            var image = new Image { Layers = layers.Select(l => new ImageLayer { DiffId = l.DiffId, Size = l.Size }).ToList(), Config = config, Created = DateTime.UtcNow, Source = source };
            image.Size = image.Layers.Sum(l => l.Size);
            string identity = JsonSerializer.Serialize(new { image.Config, diff_ids = image.Layers.Select(l => l.DiffId), image.Created });
            image.Id = Sha256(Encoding.UTF8.GetBytes(identity));
            return image;
        }

        private static bool IsPlainTar(string path)
        {
            using var f = File.OpenRead(path);
            var head = new byte[4];
            int n = f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            return !(n >= 2 && head[0] == 0x1f && head[1] == 0x8b) && !(n == 4 && head[0] == 0x28 && head[1] == 0xb5);
        }

        // ------------------------------------------------------------ docker save, OCI layout

        private Image FromDockerSave(IBlobs blobs, string source)
        {
            var manifest = ParseJson(blobs, "manifest.json", source) as JsonArray;
            if (manifest is not { Count: > 0 } || manifest[0] is not JsonObject m || m["Config"]?.GetValue<string>() is not string configPath || m["Layers"] is not JsonArray layers)
                throw Invalid(source, "manifest.json does not list an image");
            return FromConfig(blobs, source, configPath, layers.Select(l => l!.GetValue<string>()).ToList());
        }

        private Image FromOciLayout(IBlobs blobs, string source)
        {
            var index = ParseJson(blobs, "index.json", source);
            var manifest = ResolveManifest(blobs, index, source, Platform ?? Registry.ImagePuller.HostPlatform, depth: 0);
            if (manifest["config"]?["digest"]?.GetValue<string>() is not string config || manifest["layers"] is not JsonArray layers)
                throw Invalid(source, "the image manifest has no config or layers");
            return FromConfig(blobs, source, BlobPath(config, source), layers.Select(l => BlobPath(l?["digest"]?.GetValue<string>() ?? "", source)).ToList());
        }

        /// <summary>The first image manifest of an index; a multi-platform index is narrowed to PLATFORM, as a pull narrows it.</summary>
        private static JsonNode ResolveManifest(IBlobs blobs, JsonNode? index, string source, string platform, int depth)
        {
            if (depth > 4 || index?["manifests"] is not JsonArray manifests || manifests.Count == 0) throw Invalid(source, "index.json lists no image");
            var chosen = manifests[0];
            if (manifests.Any(d => d?["platform"] != null))
                chosen = Registry.PlatformChoice.Choose(manifests, platform, out var available)
                    ?? throw new MiniDockerException("ImagePlatformNotFound", FailureKind.ObjectNotFound, $"'{source}' has no image for {platform}; it has: {string.Join(", ", available)}. Choose one with -Platform.", source);
            string digest = chosen?["digest"]?.GetValue<string>() ?? "";
            var node = ParseJson(blobs, BlobPath(digest, source), source);
            return node?["manifests"] is JsonArray ? ResolveManifest(blobs, node, source, platform, depth + 1) : node ?? throw Invalid(source, "empty manifest");
        }

        private Image FromConfig(IBlobs blobs, string source, string configPath, List<string> layerPaths)
        {
            var (image, diffIds) = ParseConfig(ReadAll(blobs, configPath, source), source, layerPaths.Count);
            _total = layerPaths.Sum(blobs.Length);
            for (int i = 0; i < layerPaths.Count; i++)
            {
                string expected = diffIds[i];
                string layerPath = layerPaths[i];
                var digest = _store.AddLayer(() => Counted(blobs.Open(layerPath)), $"{source}:{layerPath}", expected, _extractor);
                long size = digest.Size >= 0 ? digest.Size : _store.LayerSize(expected);
                image.Layers.Add(new ImageLayer { DiffId = expected, Size = size });
            }
            image.Size = image.Layers.Sum(l => l.Size);
            return image;
        }

        /// <summary>An image config (docker save, OCI layout, registry): the record without layers, and its diff_ids as hex.</summary>
        internal static (Image Image, List<string> DiffIds) ParseConfig(byte[] configBytes, string source, int layerCount)
        {
            JsonNode? config;
            try { config = JsonNode.Parse(configBytes); }
            catch (JsonException e) { throw Invalid(source, $"the image config is not JSON ({e.Message})"); }
            var diffIds = (config?["rootfs"]?["diff_ids"] as JsonArray)?.Select(d => d?.GetValue<string>() ?? "").ToList();
            if (diffIds == null || diffIds.Count != layerCount)
                throw Invalid(source, "the image config's rootfs.diff_ids do not match the manifest's layers");
            var c = config!["config"] ?? config["container_config"];
            var image = new Image
            {
                Id = Sha256(configBytes),
                Config = new ImageConfig
                {
                    Env = Strings(c?["Env"]),
                    Entrypoint = Strings(c?["Entrypoint"]),
                    Cmd = Strings(c?["Cmd"]),
                    WorkingDir = c?["WorkingDir"]?.GetValue<string>() is { Length: > 0 } w ? w : null,
                    User = c?["User"]?.GetValue<string>() is { Length: > 0 } u ? u : null,
                },
                Created = DateTime.TryParse(config["created"]?.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal, out var t) ? t : DateTime.UtcNow,
                Source = source,
            };
            var hex = diffIds.Select(d => d.StartsWith("sha256:", StringComparison.Ordinal) && d.Length == 71 && d.Skip(7).All(Uri.IsHexDigit) ? d.Substring(7) : throw Invalid(source, $"layer digest '{d}' is not sha256")).ToList();
            return (image, hex);
        }

        private static string[]? Strings(JsonNode? n) => n is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToArray() : null;

        private static string BlobPath(string digest, string source)
        {
            var parts = digest.Split(':');
            if (parts.Length != 2 || parts[0] != "sha256" || parts[1].Length != 64 || !parts[1].All(Uri.IsHexDigit))
                throw Invalid(source, $"'{digest}' is not a sha256 digest");
            return "blobs/sha256/" + parts[1];
        }

        private static JsonNode? ParseJson(IBlobs blobs, string name, string source)
        {
            try { return JsonNode.Parse(ReadAll(blobs, name, source)); }
            catch (JsonException e) { throw Invalid(source, $"{name} is not JSON ({e.Message})"); }
        }

        private static byte[] ReadAll(IBlobs blobs, string name, string source)
        {
            if (!blobs.Has(name)) throw Invalid(source, $"it has no '{name}'");
            if (blobs.Length(name) > 16 << 20) throw Invalid(source, $"'{name}' is too large for image metadata");
            using var s = blobs.Open(name);
            var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }

        private static MiniDockerException Invalid(string source, string why) =>
            new("ImageArchiveInvalid", FailureKind.InvalidArgument, $"'{source}' is not a valid image: {why}.", source);

        /// <summary>The sha256 of B as lower-case hex (no "sha256:" prefix).</summary>
        internal static string Sha256(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

        // ------------------------------------------------------------ progress

        private Stream Counted(Stream s) => new CountingStream(s, n =>
        {
            _done += n;
            if (_progress != null && _done - _reported >= ReportEvery) { _reported = _done; _progress(_done, _total); }
        });

        private sealed class CountingStream : ReadOnlyStream
        {
            private readonly Stream _inner;
            private readonly Action<int> _count;
            public CountingStream(Stream inner, Action<int> count) { _inner = inner; _count = count; }
            public override int Read(Span<byte> buffer) { int n = _inner.Read(buffer); if (n > 0) _count(n); return n; }
            protected override void Dispose(bool disposing) { if (disposing) _inner.Dispose(); base.Dispose(disposing); }
        }

        /// <summary>The read end of a pipe a tar writer fills on another thread; the writer's failure surfaces at EOF.</summary>
        private sealed class PipedTar : ReadOnlyStream
        {
            private readonly AnonymousPipeServerStream _writeEnd = new(PipeDirection.Out);
            private readonly AnonymousPipeClientStream _readEnd;
            private readonly Task _writer;

            public PipedTar(Action<Stream> writeTar)
            {
                _readEnd = new AnonymousPipeClientStream(PipeDirection.In, _writeEnd.ClientSafePipeHandle);
                _writer = Task.Run(() =>
                {
                    try { writeTar(_writeEnd); }
                    finally { _writeEnd.Dispose(); }
                });
            }

            public override int Read(Span<byte> buffer)
            {
                int n = _readEnd.Read(buffer);
                if (n == 0 && buffer.Length > 0 && _writer.Wait(TimeSpan.FromMinutes(1)) && _writer.Exception?.InnerException is Exception e)
                    throw new MiniDockerException("ImageSourceUnreadable", FailureKind.ReadError, $"Could not read the source tree: {e.Message}", null, e);
                return n;
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _readEnd.Dispose();
                    try { _writer.Wait(); } catch (AggregateException) { }   // a writer cut off by our early close fails with EPIPE
                }
                base.Dispose(disposing);
            }
        }
    }

    /// <summary>The named files of an image archive or layout (blobs/sha256/..., manifest.json, ...).</summary>
    internal interface IBlobs : IDisposable
    {
        bool Has(string name);
        long Length(string name);
        Stream Open(string name);
    }

    /// <summary>An image layout folder; names resolve inside it without following a symlink out.</summary>
    internal sealed class DirectoryBlobs : IBlobs
    {
        private readonly LayerDirectory _root;
        public DirectoryBlobs(string path) => _root = new LayerDirectory(path);
        public bool Has(string name) => TryOpen(name) is FileStream f && Close(f);
        public long Length(string name) { using var f = Open(name); return f.Length; }
        public Stream Open(string name) => TryOpen(name) ?? throw new MiniDockerException("ImageArchiveInvalid", FailureKind.InvalidArgument, $"'{_root.Path}' has no file '{name}'.", name);

        private FileStream? TryOpen(string name)
        {
            int fd = _root.OpenInRoot(name, O_RDONLY | O_NOFOLLOW);
            return fd < 0 ? null : new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle((IntPtr)fd, true), FileAccess.Read, 1 << 20);
        }

        private static bool Close(FileStream f) { f.Dispose(); return true; }
        public void Dispose() => _root.Dispose();
    }

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
                var reader = new TarReader(blobs._archive, leaveOpen: true);
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
