using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace MiniDocker.Engine.Registry
{
    /// <summary>
    /// Pushes a stored image as an OCI image: each layer directory written again as a gzip layer tar
    /// (overlay whiteouts as .wh. files) into a temporary file while both digests are computed, a blob
    /// the repository already has skipped (HEAD), the rest uploaded (POST + PUT ?digest=), then the
    /// config and the manifest. The layer store keeps extracted files, not the original tars, so the
    /// layers' digests (and so the image id) on the registry are those of the tars written here.
    /// </summary>
    internal sealed class ImagePusher
    {
        private const string LayerType = "application/vnd.oci.image.layer.v1.tar+gzip", ConfigType = "application/vnd.oci.image.config.v1+json", ManifestType = "application/vnd.oci.image.manifest.v1+json";
        private readonly ImageStore _store;
        private readonly RegistryClient _client;
        private readonly ImageReference _destination;
        private readonly PullOptions _options;

        public ImagePusher(ImageStore store, RegistryClient client, ImageReference destination, PullOptions options)
        {
            _store = store;
            _client = client;
            _destination = destination;
            _options = options;
        }

        internal sealed record Blob(string Digest, long Size, string DiffId);

        /// <summary>Pushes IMAGE; returns the manifest digest (sha256:HEX).</summary>
        public async Task<string> PushAsync(Image image, CancellationToken token)
        {
            if (_destination.Tag == null)
                throw new MiniDockerException("InvalidImageReference", FailureKind.InvalidArgument, $"Push to '{_destination}' needs a tag, not a digest: the registry computes the digest.", _destination.ToString());
            _client.ForPush = true;
            await _client.PingAsync(token);
            string repo = _destination.Repository;
            var blobs = new List<Blob>();
            for (int i = 0; i < image.Layers.Count; i++)
            {
                token.ThrowIfCancellationRequested();
                string dir = _store.LayerPath(image.Layers[i].DiffId);
                if (!Directory.Exists(dir))
                    throw new MiniDockerException("ImageLayerMissing", FailureKind.ObjectNotFound, $"Layer {image.Layers[i].DiffId} of image '{image}' is missing from the store; import or pull the image again.", image);
                string temp = Path.Combine(_store.ImagesDir, $".push-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()}.tar.gz");
                try
                {
                    _options.Progress?.Invoke(new PullProgress(image.Layers[i].DiffId.Substring(0, 12), i, image.Layers.Count, "Preparing", 0, -1));
                    var blob = WriteLayer(dir, temp);
                    blobs.Add(blob);
                    string id = blob.Digest.Substring(7, 12);
                    if (await _client.HasBlobAsync(repo, blob.Digest, token))
                    {
                        _options.Verbose?.Invoke($"layer {blob.Digest} is already in {_destination.Registry}/{repo}; not uploaded");
                        _options.Progress?.Invoke(new PullProgress(id, i, image.Layers.Count, "Layer already exists", blob.Size, blob.Size));
                        continue;
                    }
                    _options.Progress?.Invoke(new PullProgress(id, i, image.Layers.Count, "Pushing", 0, blob.Size));
                    await _client.UploadBlobAsync(repo, blob.Digest, () => new StreamContent(File.OpenRead(temp)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, token);
                    _options.Progress?.Invoke(new PullProgress(id, i, image.Layers.Count, "Pushed", blob.Size, blob.Size));
                }
                finally { File.Delete(temp); }
            }
            byte[] config = Config(image, blobs);
            string configDigest = "sha256:" + Hex(SHA256.HashData(config));
            if (!await _client.HasBlobAsync(repo, configDigest, token))
                await _client.UploadBlobAsync(repo, configDigest, () => new ByteArrayContent(config), token);
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = ManifestType,
                ["config"] = new JsonObject { ["mediaType"] = ConfigType, ["digest"] = configDigest, ["size"] = config.Length },
                ["layers"] = new JsonArray(blobs.Select(b => (JsonNode)new JsonObject { ["mediaType"] = LayerType, ["digest"] = b.Digest, ["size"] = b.Size }).ToArray()),
            };
            byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
            await _client.PutManifestAsync(repo, _destination.Tag, manifestBytes, ManifestType, token);
            return "sha256:" + Hex(SHA256.HashData(manifestBytes));
        }

        /// <summary>The layer directory as a gzip tar (or a plain one) in FILE; its blob digest and size and its diff_id.</summary>
        internal static Blob WriteLayer(string dir, string file, bool gzip = true)
        {
            using var diff = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var compressed = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long size;
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (var output = new FileStream(file, options))
            {
                var hashedOutput = new HashingWriteStream(output, compressed);
                if (!gzip)
                {
                    FilesystemTar.WriteLayer(dir, hashedOutput);
                    output.Flush(flushToDisk: true);
                    string digest = "sha256:" + Hex(compressed.GetHashAndReset());
                    return new Blob(digest, hashedOutput.Written, digest);
                }
                using (var compressor = new GZipStream(hashedOutput, CompressionLevel.Fastest, leaveOpen: true))
                using (var tar = new HashingWriteStream(compressor, diff))
                    FilesystemTar.WriteLayer(dir, tar);
                size = hashedOutput.Written;
                output.Flush(flushToDisk: true);
            }
            return new Blob("sha256:" + Hex(compressed.GetHashAndReset()), size, "sha256:" + Hex(diff.GetHashAndReset()));
        }

        internal static byte[] Config(Image image, List<Blob> blobs)
        {
            var c = image.Config;
            var config = new JsonObject();
            if (c.Env != null) config["Env"] = new JsonArray(c.Env.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
            if (c.Entrypoint != null) config["Entrypoint"] = new JsonArray(c.Entrypoint.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
            if (c.Cmd != null) config["Cmd"] = new JsonArray(c.Cmd.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());
            if (c.WorkingDir != null) config["WorkingDir"] = c.WorkingDir;
            if (c.User != null) config["User"] = c.User;
            var platform = (image.Platform ?? ImagePuller.HostPlatform).Split('/');
            var root = new JsonObject
            {
                ["created"] = image.Created.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                ["architecture"] = platform[1],
                ["os"] = platform[0],
                ["config"] = config,
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(blobs.Select(b => (JsonNode)JsonValue.Create(b.DiffId)!).ToArray()) },
            };
            if (platform.Length > 2) root["variant"] = platform[2];
            return Encoding.UTF8.GetBytes(root.ToJsonString());
        }

        private static string Hex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();

        /// <summary>Passes writes through to INNER, hashing and counting them.</summary>
        private sealed class HashingWriteStream : Stream
        {
            private readonly Stream _inner;
            private readonly IncrementalHash _hash;
            public HashingWriteStream(Stream inner, IncrementalHash hash) { _inner = inner; _hash = hash; }
            public long Written { get; private set; }
            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
            public override void Write(ReadOnlySpan<byte> buffer) { _hash.AppendData(buffer); Written += buffer.Length; _inner.Write(buffer); }
            public override void Flush() => _inner.Flush();
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => Written;
            public override long Position { get => Written; set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
