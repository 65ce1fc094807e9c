using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// Images on disk, content-addressed: StateRoot/images/ID.json (one record per image, written
    /// atomically) and StateRoot/layers/DIFFID/ (one extracted directory per distinct layer, shared by
    /// every image that has it). layers/ is mode 0700: the extracted files keep their setuid bits and
    /// owners, so no unprivileged host user may reach them. A layer is extracted into
    /// layers/.tmp-RANDOM and renamed into place when complete; a crash leaves only .tmp-* dirs, which
    /// the next import removes (it holds the store lock, so no other import can own them).
    /// </summary>
    public sealed class ImageStore
    {
        private static readonly JsonSerializerOptions Json = EngineJson.Indented(EngineDataJsonContext.Default);
        // An optional registry host[:port] first (localhost:5000/x/y, as pulled), then Docker's path components.
        private static readonly Regex ValidName = new("^([a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$", RegexOptions.Compiled);
        private static readonly Regex ValidTag = new("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.Compiled);
        private const string TempPrefix = ".tmp-";

        public ImageStore(string stateRoot)
        {
            ImagesDir = Path.Combine(stateRoot, "images");
            LayersDir = Path.Combine(stateRoot, "layers");
        }

        public string ImagesDir { get; }
        public string LayersDir { get; }

        public string LayerPath(string diffId) => Path.Combine(LayersDir, diffId);
        public bool HasLayer(string diffId) => Directory.Exists(LayerPath(diffId));

        /// <summary>"name[:tag]" → (name, tag); tag defaults to latest. Docker's rules for the characters.</summary>
        public static (string Name, string Tag) ParseReference(string reference)
        {
            int colon = reference.LastIndexOf(':');
            string name = colon > reference.LastIndexOf('/') && colon >= 0 ? reference.Substring(0, colon) : reference;
            string tag = name.Length < reference.Length ? reference.Substring(name.Length + 1) : "latest";
            if (!ValidName.IsMatch(name) || name.Length > 255 || !ValidTag.IsMatch(tag))
                throw new MiniDockerException("InvalidImageName", FailureKind.InvalidArgument,
                    $"Image name '{reference}' is not valid: use lowercase letters, digits and '.', '_', '-', '/' separators, optionally ':tag' (letters, digits, '_', '.', '-').", reference);
            return (name, tag);
        }

        /// <summary>Exclusive lock on the whole store (imports, removals, layer collection); dispose to release.</summary>
        public IDisposable Lock()
        {
            StateDirectory.Create(ImagesDir);
            StateDirectory.Create(LayersDir);
            return Syscalls.LockFile(Path.Combine(ImagesDir, ".lock"));
        }

        public IReadOnlyList<Image> Records()
        {
            if (!Directory.Exists(ImagesDir)) return Array.Empty<Image>();
            var list = new List<Image>();
            foreach (var f in Directory.EnumerateFiles(ImagesDir, "*.json"))
            {
                try { if (JsonSerializer.Deserialize<Image>(File.ReadAllText(f), Json) is Image i) list.Add(i); }
                catch (FileNotFoundException) { }
            }
            return list.OrderBy(i => i.Created).ToList();
        }

        public void Save(Image image) => AtomicFile.WriteAllText(Path.Combine(ImagesDir, image.Id + ".json"), JsonSerializer.Serialize(image, Json));

        public void Delete(Image image) => File.Delete(Path.Combine(ImagesDir, image.Id + ".json"));

        /// <summary>Caller holds the lock: removes what an interrupted import left.</summary>
        public void RemoveTemporaryLayers()
        {
            foreach (var d in Directory.EnumerateDirectories(LayersDir, TempPrefix + "*")) Rootless.RootlessFiles.DeleteTree(d);
        }

        /// <summary>
        /// Extracts a layer into the store unless a layer with EXPECTEDDIFFID is already there. Caller holds the lock.
        /// The layer is complete (renamed into place) or absent when this returns or throws. VERIFY, when
        /// given, runs after extraction and before the rename, and refuses the layer by throwing.
        /// </summary>
        public LayerDigest AddLayer(Func<Stream> open, string source, string? expectedDiffId, LayerExtractor extractor, Action? verify = null)
        {
            if (expectedDiffId != null && HasLayer(expectedDiffId))
                return new LayerDigest(expectedDiffId, -1);
            string temp = Path.Combine(LayersDir, TempPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant());
            Directory.CreateDirectory(temp);
            try
            {
                LayerDigest digest;
                using (var input = open())
                {
                    digest = extractor.Extract(input, temp, source);
                    verify?.Invoke();
                }
                if (expectedDiffId != null && digest.DiffId != expectedDiffId)
                    throw new MiniDockerException("ImageLayerDigestMismatch", FailureKind.InvalidArgument,
                        $"Layer '{source}' has digest sha256:{digest.DiffId}, but the image config says sha256:{expectedDiffId}: the archive is damaged or was altered.", source);
                string final = LayerPath(digest.DiffId);
                if (Directory.Exists(final)) Rootless.RootlessFiles.DeleteTree(temp);
                else Directory.Move(temp, final);
                return digest;
            }
            catch
            {
                if (Directory.Exists(temp)) Rootless.RootlessFiles.DeleteTree(temp);
                throw;
            }
        }

        /// <summary>
        /// The size of stored layer DIFFID: as recorded when it was first imported (any image naming it),
        /// else the bytes of its regular files. Never by following a symlink: a layer's `x -> /usr/lib`
        /// names the host's /usr/lib.
        /// </summary>
        public long LayerSize(string diffId) =>
            Records().SelectMany(i => i.Layers).FirstOrDefault(l => l.DiffId == diffId && l.Size >= 0)?.Size ?? RegularFileBytes(LayerPath(diffId));

        private static long RegularFileBytes(string dir)
        {
            long total = 0;
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
                if (LayeredFilesystem.Lstat(entry) is Tmds.Linux.stat st)
                    total += ((int)st.st_mode & LayerDirectory.S_IFMT) switch
                    {
                        LayerDirectory.S_IFDIR => RegularFileBytes(entry),
                        LayerDirectory.S_IFREG => st.st_size,
                        _ => 0,
                    };
            return total;
        }

        /// <summary>Caller holds the lock: deletes every layer directory no image and no container in INUSE names.</summary>
        public void CollectLayers(ISet<string> inUse)
        {
            if (!Directory.Exists(LayersDir)) return;
            var kept = Records().SelectMany(i => i.Layers).Select(l => l.DiffId).ToHashSet();
            foreach (var d in Directory.EnumerateDirectories(LayersDir))
            {
                string name = Path.GetFileName(d);
                if (name.StartsWith(TempPrefix, StringComparison.Ordinal) || kept.Contains(name) || inUse.Contains(d)) continue;
                Rootless.RootlessFiles.DeleteTree(d);
            }
        }
    }
}
