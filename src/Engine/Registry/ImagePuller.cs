using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace MiniDocker.Engine.Registry
{
    /// <summary>What a pull is told to do.</summary>
    public sealed class PullOptions
    {
        /// <summary>os/arch[/variant]; null for this machine's.</summary>
        public string? Platform { get; set; }
        /// <summary>Plain HTTP instead of HTTPS.</summary>
        public bool Insecure { get; set; }
        /// <summary>Instead of the credential files.</summary>
        public RegistryCredential? Credential { get; set; }
        /// <summary>Layers downloaded at once.</summary>
        public int ParallelLayers { get; set; } = 3;
        public Action<PullProgress>? Progress { get; set; }
        public Action<string>? Verbose { get; set; }
        public Action<string>? Warning { get; set; }
    }

    /// <summary>One layer's state during a pull: Layer is the blob's short digest; Total is -1 when unknown.</summary>
    public sealed record PullProgress(string Layer, int Index, int Count, string Status, long Done, long Total);

    /// <summary>
    /// Pulls one image into the layer store: the manifest (an index narrowed to one platform), the
    /// config, then every layer not already stored, a few at a time, each streamed from the registry
    /// through a SHA-256 and size check straight into LayerExtractor. A layer is renamed into the store
    /// only after its blob digest, its size and its diff_id all matched; the image record is the
    /// caller's to write, after every layer is in. Caller holds the store lock.
    /// </summary>
    internal sealed class ImagePuller
    {
        private const long ConfigLimit = 16 << 20;
        private readonly ImageStore _store;
        private readonly RegistryClient _client;
        private readonly ImageReference _reference;
        private readonly PullOptions _options;

        public ImagePuller(ImageStore store, RegistryClient client, ImageReference reference, PullOptions options)
        {
            _store = store;
            _client = client;
            _reference = reference;
            _options = options;
        }

        public sealed record Result(Image Image, string ManifestDigest);

        private sealed record Descriptor(string MediaType, string Digest, long Size);

        public async Task<Result> PullAsync(CancellationToken token)
        {
            await _client.PingAsync(token);
            string repo = _reference.Repository;
            var (body, mediaType) = await _client.GetManifestAsync(repo, _reference.ManifestReference, token);
            string digest = "sha256:" + ImageImporter.Sha256(body);
            if (_reference.Digest != null && digest != _reference.Digest) throw DigestMismatch($"manifest {_reference.Digest}", $"its content has digest {digest}");
            var manifest = ParseManifest(body, _reference.ManifestReference);
            mediaType = manifest["mediaType"]?.GetValue<string>() is { Length: > 0 } declared ? declared : mediaType;
            if (manifest["manifests"] is JsonArray list)
            {
                string chosen = ChoosePlatform(list);
                _options.Verbose?.Invoke($"{_reference}: index {digest} gives {chosen} for {PlatformText}");
                (body, mediaType) = await _client.GetManifestAsync(repo, chosen, token);
                digest = "sha256:" + ImageImporter.Sha256(body);
                if (digest != chosen) throw DigestMismatch($"manifest {chosen}", $"its content has digest {digest}");
                manifest = ParseManifest(body, chosen);
                if (manifest["manifests"] != null) throw Unsupported($"the index entry {chosen} is itself an index");
            }
            if (manifest["schemaVersion"]?.GetValueKind() != JsonValueKind.Number || manifest["schemaVersion"]!.GetValue<int>() != 2)
                throw Unsupported("it is not a schema 2 manifest (Docker schema 1 images are not supported; push the image again with a current tool)");
            var config = Describe(manifest["config"], "config");
            var layers = (manifest["layers"] as JsonArray ?? throw Unsupported("the manifest has no layers")).Select((l, i) => Describe(l, $"layer {i}")).ToList();
            foreach (var l in layers.Where(l => !l.MediaType.Contains("tar", StringComparison.Ordinal) && l.MediaType.Length > 0))
                throw Unsupported($"layer {l.Digest} has media type '{l.MediaType}', which is not a filesystem layer (is this an artifact rather than a container image?)");
            if (layers.Any(l => l.MediaType.Contains("encrypted", StringComparison.Ordinal))) throw Unsupported("its layers are encrypted");

            byte[] configBytes = await ReadBlobAsync(config, ConfigLimit, token);
            string source = $"{_reference.LocalName}@{digest}";
            var (image, diffIds) = ImageImporter.ParseConfig(configBytes, source, layers.Count);
            image.Source = "registry " + _reference;
            await StoreLayersAsync(layers, diffIds, token);
            foreach (var (layer, diffId) in layers.Zip(diffIds))
                image.Layers.Add(new ImageLayer { DiffId = diffId, Size = _store.LayerSize(diffId) });
            image.Size = image.Layers.Sum(l => l.Size);
            return new Result(image, digest);
        }

        // ------------------------------------------------------------ layers

        private async Task StoreLayersAsync(List<Descriptor> layers, List<string> diffIds, CancellationToken token)
        {
            var work = new List<(Descriptor Blob, string DiffId, int Index)>();
            for (int i = 0; i < layers.Count; i++)
            {
                if (_store.HasLayer(diffIds[i]))
                {
                    _options.Progress?.Invoke(new PullProgress(Short(layers[i].Digest), i, layers.Count, "Already exists", layers[i].Size, layers[i].Size));
                    _options.Verbose?.Invoke($"layer {layers[i].Digest} (diff_id sha256:{diffIds[i]}) is already stored; not fetched");
                }
                else if (!work.Any(w => w.DiffId == diffIds[i])) work.Add((layers[i], diffIds[i], i));
            }
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(token);
            using var slots = new SemaphoreSlim(Math.Max(1, _options.ParallelLayers));
            var tasks = work.Select(w => Task.Run(async () =>
            {
                await slots.WaitAsync(failed.Token);
                try { await StoreLayerAsync(w.Blob, w.DiffId, w.Index, layers.Count, failed.Token); }
                catch { failed.Cancel(); throw; }   // the first failure stops the other downloads
                finally { slots.Release(); }
            })).ToList();
            try { await Task.WhenAll(tasks); }
            catch
            {
                // The error that caused the others' cancellation, not their OperationCanceledException.
                var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
                token.ThrowIfCancellationRequested();
                if (first != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
                throw;
            }
        }

        private async Task StoreLayerAsync(Descriptor blob, string diffId, int index, int count, CancellationToken token)
        {
            string id = Short(blob.Digest);
            _options.Progress?.Invoke(new PullProgress(id, index, count, "Downloading", 0, blob.Size));
            // A dropped connection mid-layer goes on from the byte reached (Range), into the same extraction.
            await using var body = await ResumingBlobStream.OpenAsync((from, t) => _client.GetBlobAsync(_reference.Repository, blob.Digest, t, from), blob.Digest, blob.Size, _options.Verbose, token);
            if (body.FirstLength is long length && length != blob.Size)
                throw DigestMismatch($"layer {blob.Digest}", $"the registry sends {length} bytes, the manifest says {blob.Size}");
            long reported = 0;
            using var verified = new VerifiedBlobStream(body, blob, done =>
            {
                if (done - reported < (1 << 20) && done != blob.Size) return;
                reported = done;
                _options.Progress?.Invoke(new PullProgress(id, index, count, "Downloading", done, blob.Size));
            });
            string source = $"{_reference.LocalName}@{blob.Digest}";
            try
            {
                _store.AddLayer(() => verified, source, diffId, new LayerExtractor(_options.Warning, token), verified.ReadToEndAndVerify);
            }
            catch (Exception e) when (e is not OperationCanceledException && !token.IsCancellationRequested && !(e is MiniDockerException m && m.ErrorId == "RegistryDigestMismatch"))
            {
                // Altered bytes usually break the gzip or tar first: name the real cause when the digest is wrong too.
                try { verified.ReadToEndAndVerify(); }
                catch (MiniDockerException mismatch) when (mismatch.ErrorId == "RegistryDigestMismatch") { throw new MiniDockerException(mismatch.ErrorId, mismatch.Kind, mismatch.Message, mismatch.Target, e); }
                catch (Exception) { }
                throw;
            }
            _options.Progress?.Invoke(new PullProgress(id, index, count, "Pull complete", blob.Size, blob.Size));
        }

        private async Task<byte[]> ReadBlobAsync(Descriptor blob, long limit, CancellationToken token)
        {
            if (blob.Size > limit) throw Unsupported($"its config blob is {blob.Size} bytes (more than {limit >> 20} MiB)");
            using var response = await _client.GetBlobAsync(_reference.Repository, blob.Digest, token);
            await using var body = await response.Content.ReadAsStreamAsync(token);
            using var verified = new VerifiedBlobStream(body, blob, null);
            var ms = new MemoryStream();
            await verified.CopyToAsync(ms, token);
            return ms.ToArray();
        }

        // ------------------------------------------------------------ manifests and platforms

        private JsonObject ParseManifest(byte[] body, string reference)
        {
            try { return JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object"); }
            catch (JsonException e)
            {
                throw new MiniDockerException("RegistryManifestInvalid", FailureKind.InvalidArgument, $"The manifest '{reference}' of {_reference} is not JSON ({e.Message}).", _reference.ToString());
            }
        }

        private Descriptor Describe(JsonNode? node, string what)
        {
            string digest = node?["digest"]?.GetValue<string>() ?? "";
            if (!System.Text.RegularExpressions.Regex.IsMatch(digest, "^sha256:[0-9a-f]{64}$"))
                throw Unsupported($"its {what} has digest '{digest}' (only sha256 is supported)");
            long size = node?["size"]?.GetValueKind() == JsonValueKind.Number ? node["size"]!.GetValue<long>() : -1;
            if (size < 0) throw Unsupported($"its {what} has no size");
            return new Descriptor(node?["mediaType"]?.GetValue<string>() ?? "", digest, size);
        }

        private string PlatformText => _options.Platform ?? HostPlatform;

        /// <summary>This machine's platform, as image indexes name it.</summary>
        public static string HostPlatform => RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "linux/amd64",
            Architecture.Arm64 => "linux/arm64/v8",
            Architecture.Arm => "linux/arm/v7",
            Architecture.X86 => "linux/386",
            Architecture.S390x => "linux/s390x",
            Architecture.Ppc64le => "linux/ppc64le",
            var a => "linux/" + a.ToString().ToLowerInvariant(),
        };

        /// <summary>The manifest digest for the wanted platform (PlatformChoice's rules).</summary>
        private string ChoosePlatform(JsonArray list)
        {
            var match = PlatformChoice.Choose(list, PlatformText, out var available);
            if (match?["digest"]?.GetValue<string>() is string digest) return digest;
            throw new MiniDockerException("RegistryPlatformNotFound", FailureKind.ObjectNotFound,
                (p, op) => $"{_reference} has no image for {PlatformText}; it has: {string.Join(", ", available)}. Choose one with {p("Platform")}.", _reference.ToString());
        }

        private static string Short(string digest) => digest.Substring(7, 12);

        private MiniDockerException Unsupported(string why) =>
            new("RegistryManifestUnsupported", FailureKind.NotImplemented, $"{_reference} cannot be pulled: {why}.", _reference.ToString());

        private MiniDockerException DigestMismatch(string what, string why) =>
            new("RegistryDigestMismatch", FailureKind.InvalidArgument, $"{_reference}: {what} was refused: {why}. The registry or something between it and you altered the data; nothing was stored.", _reference.ToString());

        /// <summary>
        /// A blob as it streams: counted and hashed; more bytes than the descriptor's size, or a different
        /// SHA-256 at the end, is RegistryDigestMismatch. Disposing it leaves the response to its owner and
        /// keeps the count, so a failed extraction can still be told apart from altered data.
        /// </summary>
        private sealed class VerifiedBlobStream : ReadOnlyStream
        {
            private readonly Stream _inner;
            private readonly Descriptor _blob;
            private readonly Action<long>? _progress;
            private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            private long _done;
            private bool _verified;

            public VerifiedBlobStream(Stream inner, Descriptor blob, Action<long>? progress)
            {
                _inner = inner;
                _blob = blob;
                _progress = progress;
            }

            public override int Read(Span<byte> buffer)
            {
                if (_verified || buffer.Length == 0) return 0;   // an empty read is no end of stream
                int n = _inner.Read(buffer);
                Account(buffer.Slice(0, n));
                return n;
            }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                if (_verified || buffer.Length == 0) return 0;
                int n = await _inner.ReadAsync(buffer, cancellationToken);
                Account(buffer.Span.Slice(0, n));
                return n;
            }

            private void Account(ReadOnlySpan<byte> data)
            {
                if (data.Length == 0) { Verify(); return; }
                _done += data.Length;
                if (_done > _blob.Size) throw Mismatch($"the registry sent more than the {_blob.Size} bytes the manifest gives");
                _hash.AppendData(data);
                _progress?.Invoke(_done);
            }

            private void Verify()
            {
                if (_verified) return;
                if (_done != _blob.Size) throw Mismatch($"the registry sent {_done} bytes, the manifest gives {_blob.Size}");
                string actual = "sha256:" + Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant();
                if (actual != _blob.Digest) throw Mismatch($"its content has digest {actual}");
                _verified = true;
            }

            /// <summary>Reads what the decompressor left (the gzip trailer, padding) so the whole blob is checked.</summary>
            public void ReadToEndAndVerify()
            {
                var buffer = new byte[81920];
                while (Read(buffer) > 0) { }
            }

            private MiniDockerException Mismatch(string why) =>
                new("RegistryDigestMismatch", FailureKind.InvalidArgument, $"Blob {_blob.Digest} was refused: {why}. The registry or something between it and you altered the data; nothing was stored.", _blob.Digest);
        }
    }
}
