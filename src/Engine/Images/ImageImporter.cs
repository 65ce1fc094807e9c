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

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// Reads the formats an image comes in and adds its layers to the store: a rootfs tarball (.tar,
    /// .tar.gz), a rootfs folder, a `docker save` archive and an OCI image layout (each a tar or a
    /// folder). Returns the image record (no tags yet). Caller holds the store lock.
    /// </summary>
    internal sealed class ImageImporter
    {
        private readonly ImageStore _store;
        private readonly LayerExtractor _extractor;
        private readonly ImportProgress _progress;

        /// <summary>os/arch[/variant] to take from a multi-platform OCI layout; null for this machine's.</summary>
        public string? Platform { get; init; }

        public ImageImporter(ImageStore store, LayerExtractor extractor, Action<long, long>? progress)
        {
            _store = store;
            _extractor = extractor;
            _progress = new ImportProgress(progress);
        }

        public Image Import(string path)
        {
            if (Directory.Exists(path))
            {
                // The folder's fds are closed when the import ends, not when a finalizer runs.
                if (File.Exists(Path.Combine(path, "manifest.json"))) { using var saved = new DirectoryBlobs(path); return FromDockerSave(saved, path); }
                if (File.Exists(Path.Combine(path, "oci-layout"))) { using var layout = new DirectoryBlobs(path); return FromOciLayout(layout, path); }
                return FromLayers(path, new[] { AddTree(w => FilesystemTar.WriteMerged(new[] { path }, w), path) }, new ImageConfig());
            }
            _progress.Total = new FileInfo(path).Length;
            if (!ImageFormat.IsPlainTar(path))
                return FromLayers(path, new[] { _store.AddLayer(() => _progress.Counted(File.OpenRead(path)), path, null, _extractor) }, new ImageConfig());
            using var blobs = TarBlobs.Index(path);
            if (blobs.Has("manifest.json")) return FromDockerSave(blobs, path);
            if (blobs.Has("oci-layout") && blobs.Has("index.json")) return FromOciLayout(blobs, path);
            return FromLayers(path, new[] { _store.AddLayer(() => _progress.Counted(File.OpenRead(path)), path, null, _extractor) }, new ImageConfig());
        }

        /// <summary>A layer made by writing a tar (folder import, commit) through a pipe into the extractor.</summary>
        public LayerDigest AddTree(Action<Stream> writeTar, string source) =>
            _store.AddLayer(() => _progress.Counted(new PipedTar(writeTar)), source, null, _extractor);

        /// <summary>An image of our own making (rootfs tarball or folder, commit): the id is the sha256 of what defines it.</summary>
        public static Image FromLayers(string source, IEnumerable<LayerDigest> layers, ImageConfig config)
        {
            var image = new Image { Layers = layers.Select(l => new ImageLayer { DiffId = l.DiffId, Size = l.Size }).ToList(), Config = config, Created = DateTime.UtcNow, Source = source };
            image.Size = image.Layers.Sum(l => l.Size);
            string identity = JsonSerializer.Serialize(new { image.Config, diff_ids = image.Layers.Select(l => l.DiffId), image.Created });
            image.Id = Sha256(Encoding.UTF8.GetBytes(identity));
            return image;
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
                    ?? throw new MiniDockerException("ImagePlatformNotFound", FailureKind.ObjectNotFound, (p, op) => $"'{source}' has no image for {platform}; it has: {string.Join(", ", available)}. Choose one with {p("Platform")}.", source);
            string digest = chosen?["digest"]?.GetValue<string>() ?? "";
            var node = ParseJson(blobs, BlobPath(digest, source), source);
            return node?["manifests"] is JsonArray ? ResolveManifest(blobs, node, source, platform, depth + 1) : node ?? throw Invalid(source, "empty manifest");
        }

        private Image FromConfig(IBlobs blobs, string source, string configPath, List<string> layerPaths)
        {
            var (image, diffIds) = ParseConfig(ReadAll(blobs, configPath, source), source, layerPaths.Count);
            _progress.Total = layerPaths.Sum(blobs.Length);
            for (int i = 0; i < layerPaths.Count; i++)
            {
                string expected = diffIds[i];
                string layerPath = layerPaths[i];
                var digest = _store.AddLayer(() => _progress.Counted(blobs.Open(layerPath)), $"{source}:{layerPath}", expected, _extractor);
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
                Platform = config["os"]?.GetValue<string>() is { Length: > 0 } os && config["architecture"]?.GetValue<string>() is { Length: > 0 } arch
                    ? os + "/" + arch + (config["variant"]?.GetValue<string>() is { Length: > 0 } v ? "/" + v : "") : null,
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
    }
}
