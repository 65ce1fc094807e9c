using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace MiniDocker.Engine.Registry
{
    /// <summary>What Save-MiniImage writes: docker save's archive, an OCI layout as a tar, or an OCI layout folder.</summary>
    public enum ImageArchiveFormat { DockerArchive, OciArchive, OciLayout }

    /// <summary>
    /// Writes stored images the way docker save (Docker 25 and later) and skopeo do: an OCI image layout
    /// (oci-layout, index.json, blobs/sha256/*) whose layers are the layer directories written again
    /// as tars; a docker archive adds manifest.json (Config, RepoTags, Layers) and keeps its layers
    /// uncompressed, as docker save does; OCI layers are gzip. As with a push, the store keeps files
    /// rather than the original tars, so the layer digests and the config (and so the image id) are
    /// those of the tars written here. Nothing is left at PATH unless every image was written: a folder
    /// is built beside it and renamed, a tar written to a temporary file and renamed.
    /// </summary>
    internal sealed class ImageExporter
    {
        private const string ManifestType = "application/vnd.oci.image.manifest.v1+json", ConfigType = "application/vnd.oci.image.config.v1+json";
        private readonly ImageStore _store;
        private readonly ImageArchiveFormat _format;
        private readonly Action<PullProgress>? _progress;
        private readonly CancellationToken _token;
        private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };   // '+' in media types as is
        private readonly Dictionary<string, ImagePusher.Blob> _written = new();   // store diff_id → blob written for it

        public ImageExporter(ImageStore store, ImageArchiveFormat format, Action<PullProgress>? progress, CancellationToken token)
        {
            _store = store;
            _format = format;
            _progress = progress;
            _token = token;
        }

        /// <summary>Writes IMAGES (each with the name:tag it is saved under, or null) to PATH; returns each image's manifest digest.</summary>
        public List<string> Export(IReadOnlyList<(Image Record, string? Reference)> images, string path, object target)
        {
            string dir = Path.GetDirectoryName(path) ?? "/";
            if (!Directory.Exists(dir))
                throw new MiniDockerException("ExportDirectoryNotFound", FailureKind.ObjectNotFound, $"Cannot save to '{path}': the folder '{dir}' does not exist; create it first.", target);
            if (_format == ImageArchiveFormat.OciLayout ? File.Exists(path) || (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any()) : Directory.Exists(path))
                throw new MiniDockerException("ExportPathExists", FailureKind.InvalidArgument, (p, op) => _format == ImageArchiveFormat.OciLayout
                    ? $"'{path}' exists and is not an empty folder; an OCI layout is written into a new or empty folder."
                    : $"'{path}' is a folder; give the tar file to write, or use {p("Format")} OciLayout to write a layout folder.", target);
            string stage = Path.Combine(dir, $".{Path.GetFileName(path)}.tmp-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}");
            try
            {
                List<string> digests;
                if (_format == ImageArchiveFormat.OciLayout)
                {
                    Directory.CreateDirectory(stage);
                    digests = Write(images, (name, file, bytes) =>
                    {
                        string to = Path.Combine(stage, name);
                        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                        if (file != null) File.Move(file, to); else File.WriteAllBytes(to, bytes!);
                    });
                    if (Directory.Exists(path)) Directory.Delete(path);
                    Directory.Move(stage, path);
                }
                else
                {
                    using (var output = new FileStream(stage, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                    {
                        using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
                        {
                            var dirs = new HashSet<string>();
                            digests = Write(images, (name, file, bytes) =>
                            {
                                // Folders first, as docker save writes them; some readers want them.
                                for (int slash = name.IndexOf('/'); slash > 0; slash = name.IndexOf('/', slash + 1))
                                    if (dirs.Add(name.Substring(0, slash + 1))) tar.WriteEntry(Entry(TarEntryType.Directory, name.Substring(0, slash + 1), null));
                                using Stream data = file != null ? File.OpenRead(file) : new MemoryStream(bytes!);
                                tar.WriteEntry(Entry(TarEntryType.RegularFile, name, data));
                                if (file != null) File.Delete(file);
                            });
                        }
                        output.Flush(flushToDisk: true);
                    }
                    File.Move(stage, path, overwrite: true);
                }
                return digests;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MiniDockerException("ExportWriteFailed", FailureKind.WriteError, $"Cannot write the images to '{path}': {e.Message}", target, e);
            }
            finally
            {
                if (Directory.Exists(stage)) Directory.Delete(stage, recursive: true);
                else File.Delete(stage);
                foreach (var f in Directory.EnumerateFiles(_store.ImagesDir, ".save-*")) File.Delete(f);
            }
        }

        private static PaxTarEntry Entry(TarEntryType type, string name, Stream? data)
        {
            var entry = new PaxTarEntry(type, name)
            {
                Mode = type == TarEntryType.Directory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                ModificationTime = DateTimeOffset.UnixEpoch,
            };
            if (data != null) entry.DataStream = data;
            return entry;
        }

        /// <summary>Writes every blob and the index files through ADD (name in the layout, a temporary file to take over, or bytes).</summary>
        private List<string> Write(IReadOnlyList<(Image Record, string? Reference)> images, Action<string, string?, byte[]?> add)
        {
            bool docker = _format == ImageArchiveFormat.DockerArchive;
            var index = new JsonArray();
            var dockerManifest = new JsonArray();
            var digests = new List<string>();
            var blobsAdded = new HashSet<string>();
            void AddBytes(string digest, byte[] bytes) { if (blobsAdded.Add(digest)) add(BlobName(digest), null, bytes); }
            foreach (var (image, reference) in images)
            {
                var blobs = new List<ImagePusher.Blob>();
                for (int i = 0; i < image.Layers.Count; i++)
                {
                    _token.ThrowIfCancellationRequested();
                    string diffId = image.Layers[i].DiffId;
                    if (!_written.TryGetValue(diffId, out var blob))
                    {
                        string layerDir = _store.LayerPath(diffId);
                        if (!Directory.Exists(layerDir))
                            throw new MiniDockerException("ImageLayerMissing", FailureKind.ObjectNotFound, $"Layer {diffId} of image '{reference ?? image.ShortId}' is missing from the store; import or pull the image again.", image);
                        _progress?.Invoke(new PullProgress(diffId.Substring(0, 12), i, image.Layers.Count, "Writing", 0, -1));
                        string temp = Path.Combine(_store.ImagesDir, $".save-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()}");
                        blob = ImagePusher.WriteLayer(layerDir, temp, gzip: !docker);
                        _written[diffId] = blob;
                        if (blobsAdded.Add(blob.Digest)) add(BlobName(blob.Digest), temp, null);
                        else File.Delete(temp);
                        _progress?.Invoke(new PullProgress(diffId.Substring(0, 12), i, image.Layers.Count, "Written", blob.Size, blob.Size));
                    }
                    blobs.Add(blob);
                }
                byte[] config = ImagePusher.Config(image, blobs);
                string configDigest = Digest(config);
                AddBytes(configDigest, config);
                string layerType = docker ? "application/vnd.oci.image.layer.v1.tar" : "application/vnd.oci.image.layer.v1.tar+gzip";
                var manifest = new JsonObject
                {
                    ["schemaVersion"] = 2,
                    ["mediaType"] = ManifestType,
                    ["config"] = new JsonObject { ["mediaType"] = ConfigType, ["digest"] = configDigest, ["size"] = config.Length },
                    ["layers"] = new JsonArray(blobs.Select(b => (JsonNode)new JsonObject { ["mediaType"] = layerType, ["digest"] = b.Digest, ["size"] = b.Size }).ToArray()),
                };
                byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString(Plain));
                string manifestDigest = Digest(manifestBytes);
                AddBytes(manifestDigest, manifestBytes);
                digests.Add(manifestDigest);
                var descriptor = new JsonObject { ["mediaType"] = ManifestType, ["digest"] = manifestDigest, ["size"] = manifestBytes.Length };
                if (reference != null)
                {
                    // ref.name is the tag (skopeo's oci:DIR:TAG finds it); containerd and docker load read the full name.
                    var (name, tag) = ImageStore.ParseReference(reference);
                    descriptor["annotations"] = new JsonObject { ["io.containerd.image.name"] = FullName(name) + ":" + tag, ["org.opencontainers.image.ref.name"] = tag };
                }
                index.Add(descriptor);
                dockerManifest.Add(new JsonObject
                {
                    ["Config"] = BlobName(configDigest),
                    ["RepoTags"] = reference != null ? new JsonArray(JsonValue.Create(reference)) : new JsonArray(),
                    ["Layers"] = new JsonArray(blobs.Select(b => (JsonNode)JsonValue.Create(BlobName(b.Digest))!).ToArray()),
                });
            }
            add("oci-layout", null, Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
            add("index.json", null, Encoding.UTF8.GetBytes(new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = "application/vnd.oci.image.index.v1+json", ["manifests"] = index }.ToJsonString(Plain)));
            if (docker) add("manifest.json", null, Encoding.UTF8.GetBytes(dockerManifest.ToJsonString(Plain)));
            return digests;
        }

        /// <summary>docker.io/library/alpine for alpine, as containerd names images.</summary>
        private static string FullName(string name)
        {
            try { var r = ImageReference.Parse(name); return r.Registry + "/" + r.Repository; }
            catch (MiniDockerException) { return name; }
        }

        private static string BlobName(string digest) => "blobs/sha256/" + digest.Substring(7);

        private static string Digest(byte[] b) => "sha256:" + ImageImporter.Sha256(b);
    }
}
