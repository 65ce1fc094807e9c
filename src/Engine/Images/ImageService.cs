using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// The image store as the container lifecycle uses it: import, tag, list, look up, remove, layer
    /// collection, commit, and the layers a new container is made from.
    /// </summary>
    public sealed class ImageService
    {
        private readonly Func<IEnumerable<Container>> _containerRecords;

        /// <param name="containerRecords">Every stored container record, as stored: their layers are never collected.</param>
        public ImageService(ImageStore store, Func<IEnumerable<Container>> containerRecords)
        {
            Store = store;
            _containerRecords = containerRecords;
        }

        public ImageStore Store { get; }

        // ---------------------------------------------------------------- import, list, remove

        /// <summary>
        /// Imports PATH (rootfs tarball or folder, docker save archive, OCI layout) as REFERENCE (name[:tag]).
        /// PROGRESS gets (bytes read, total or -1); WARN gets what was skipped. All or nothing.
        /// </summary>
        public Image Import(string path, string reference, Action<long, long>? progress = null, Action<string>? warn = null, CancellationToken token = default, string? platform = null)
        {
            var (name, tag) = ImageStore.ParseReference(reference);
            string full = Path.GetFullPath(path);
            if (!File.Exists(full) && !Directory.Exists(full))
                throw new MiniDockerException("ImageSourceNotFound", FailureKind.ObjectNotFound, $"'{full}' does not exist: give a rootfs tarball or folder, a docker save archive or an OCI image layout.", full);
            using (Store.Lock())
            {
                Store.RemoveTemporaryLayers();
                var image = new ImageImporter(Store, new LayerExtractor(warn, token), progress) { Platform = platform }.Import(full);
                return Tag(image, name + ":" + tag);
            }
        }

        /// <summary>Records IMAGE under REFERENCE (moving the tag off any other image). Caller holds the store lock.</summary>
        public Image Tag(Image image, string reference)
        {
            var records = Store.Records();
            if (records.FirstOrDefault(i => i.Id == image.Id) is Image existing) { image.Tags = existing.Tags; image.RepoDigests = existing.RepoDigests.Union(image.RepoDigests).ToList(); }
            foreach (var other in records.Where(i => i.Id != image.Id && i.Tags.Remove(reference))) Store.Save(other);
            if (!image.Tags.Contains(reference)) image.Tags.Add(reference);
            Store.Save(image);
            return Expand(image).First(i => i.ToString() == reference);
        }

        /// <summary>One object per tag (like docker images); an untagged image once as &lt;none&gt;.</summary>
        public static IEnumerable<Image> Expand(Image record)
        {
            if (record.Tags.Count == 0) { yield return record; yield break; }
            foreach (var t in record.Tags)
            {
                var (name, tag) = ImageStore.ParseReference(t);
                yield return new Image { Id = record.Id, Tags = record.Tags, Name = name, Tag = tag, RepoDigests = record.RepoDigests, Layers = record.Layers, Config = record.Config, Created = record.Created, Size = record.Size, Source = record.Source, Platform = record.Platform };
            }
        }

        public IReadOnlyList<Image> List() => Store.Records().SelectMany(Expand).ToList();

        /// <summary>The image REFERENCE names: name[:tag] (tag defaults to latest) or a unique id prefix.</summary>
        public Image Get(string reference)
        {
            var all = List();
            if (reference.Contains('@') && Registry.ImageReference.Parse(reference).LocalDigest is string pinned && all.FirstOrDefault(i => i.RepoDigests.Contains(pinned)) is Image byDigest)
                return byDigest;
            string full = reference.Contains(':') || !all.Any(i => i.Name == reference) ? reference : reference + ":latest";
            var byTag = all.FirstOrDefault(i => i.ToString() == full || (i.Name == reference && i.Tag == "latest"));
            if (byTag != null) return byTag;
            string prefix = reference.StartsWith("sha256:", StringComparison.Ordinal) ? reference.Substring(7) : reference;
            var byId = prefix.Length >= 4 ? all.Where(i => i.Id.StartsWith(prefix, StringComparison.Ordinal)).GroupBy(i => i.Id).ToList() : new();
            if (byId.Count == 1) return byId[0].First();
            if (byId.Count > 1)
                throw new MiniDockerException("AmbiguousImageId", FailureKind.InvalidArgument, $"Image id prefix '{reference}' matches {byId.Count} images; give more characters.", reference);
            throw new MiniDockerException("ImageNotFound", FailureKind.ObjectNotFound, (p, op) => $"No image '{reference}'; import one with {op("ImportImage")}.", reference);
        }

        /// <summary>
        /// Removes the tag IMAGE was listed under, and the image itself once no tag is left (or when it
        /// was named by id). Refuses while a container uses the image unless FORCE; layers stay while
        /// another image or a container needs them. USERSOF names the containers made from an image id.
        /// </summary>
        public void Remove(Image image, bool force, Func<string, IReadOnlyList<string>> usersOf)
        {
            using (Store.Lock())
            {
                var record = Store.Records().FirstOrDefault(i => i.Id == image.Id)
                    ?? throw new MiniDockerException("ImageNotFound", FailureKind.ObjectNotFound, $"Image '{image}' does not exist.", image);
                bool lastName = image.Name == "<none>" || record.Tags.Count <= 1;
                if (!lastName)
                {
                    record.Tags.Remove(image.ToString());
                    Store.Save(record);
                    return;
                }
                var users = usersOf(record.Id);
                if (users.Count > 0 && !force)
                    throw new MiniDockerException("ImageInUse", FailureKind.InvalidOperation,
                        (p, op) => $"Image '{image}' is used by container(s) {string.Join(", ", users)}; remove them first or use {p("Force")} (their layers stay until they are removed).", image);
                Store.Delete(record);
                Store.CollectLayers(LayersInUse());
            }
        }

        /// <summary>Deletes layers no image and no container needs.</summary>
        public void CollectUnusedLayers()
        {
            using (Store.Lock()) Store.CollectLayers(LayersInUse());
        }

        private HashSet<string> LayersInUse() =>
            _containerRecords().SelectMany(c => c.Layers).ToHashSet(StringComparer.Ordinal);

        // ---------------------------------------------------------------- containers from images

        public RootSource ResolveRootSource(ContainerSpec spec)
        {
            bool hasImage = !string.IsNullOrEmpty(spec.Image), hasRootfs = !string.IsNullOrEmpty(spec.RootFs);
            if (hasImage == hasRootfs)
                throw new MiniDockerException("RootFsOrImageRequired", FailureKind.InvalidArgument, (p, op) => $"Give exactly one of {p("Image")} and {p("RootFs")}.", spec.Image ?? spec.RootFs);
            if (!hasImage)
            {
                if (spec.RootFs.Contains('\0'))
                    throw new MiniDockerException("InvalidRootFs", FailureKind.InvalidArgument, (p, op) => $"The {p("RootFs")} path contains a NUL character.", spec.RootFs);
                string rootfs = Path.GetFullPath(spec.RootFs);
                if (File.Exists(rootfs))
                    throw new MiniDockerException("RootFsNotDirectory", FailureKind.InvalidArgument,
                        (p, op) => $"Root filesystem '{rootfs}' is a file, not a folder; give a rootfs folder, or import an archive first ({op("ImportImage")}) and use {p("Image")}.", rootfs);
                if (!Directory.Exists(rootfs))
                    throw new MiniDockerException("RootFsNotFound", FailureKind.ObjectNotFound, $"Root filesystem folder '{rootfs}' does not exist.", rootfs);
                return new RootSource(new[] { rootfs }, null, "rootfs " + rootfs);
            }
            var image = Get(spec.Image!);
            var layers = image.Layers.Select(l => Store.LayerPath(l.DiffId)).Reverse().ToList();
            if (layers.Count == 0 || !layers.All(Directory.Exists))
                throw new MiniDockerException("ImageLayerMissing", FailureKind.ObjectNotFound, $"A layer of image '{image}' is missing from the store; import the image again.", image);
            return new RootSource(layers, image, "image " + image);
        }

        /// <summary>docker's rule: Entrypoint + (the given command, else the image's Cmd).</summary>
        public static string[] ImageCommand(Image image, string[] command)
        {
            var args = (image.Config.Entrypoint ?? Array.Empty<string>()).Concat(command.Length > 0 ? command : image.Config.Cmd ?? Array.Empty<string>()).ToArray();
            if (args.Length == 0)
                throw new MiniDockerException("EmptyCommand", FailureKind.InvalidArgument, (p, op) => $"Image '{image}' has no Cmd or Entrypoint: give {p("Command")}.", image);
            return args;
        }

        public static Dictionary<string, string> ImageEnvironment(Image? image)
        {
            var env = new Dictionary<string, string>();
            foreach (var kv in image?.Config.Env ?? Array.Empty<string>())
            {
                int eq = kv.IndexOf('=');
                if (eq > 0) env[kv.Substring(0, eq)] = kv.Substring(eq + 1);
            }
            return env;
        }

        // ---------------------------------------------------------------- commit

        /// <summary>
        /// Saves stopped container C (its changes in UPPER) as a new image REFERENCE: the image's layers
        /// (or the rootfs folder as one layer) plus the changes as a new top layer; its command,
        /// environment and working directory become the image's defaults. Caller holds the container's lock.
        /// </summary>
        public Image Commit(Container c, string upper, string reference, Action<string>? warn = null, CancellationToken token = default)
        {
            var (name, tag) = ImageStore.ParseReference(reference);
            using (Store.Lock())
            {
                Store.RemoveTemporaryLayers();
                var importer = new ImageImporter(Store, new LayerExtractor(warn, token), null);
                var layers = new List<LayerDigest>();
                if (c.Layers.Count > 0)
                    layers.AddRange(c.Layers.Select(l => new LayerDigest(Path.GetFileName(l), Store.LayerSize(Path.GetFileName(l)))));
                else
                    layers.Add(importer.AddTree(w => FilesystemTar.WriteMerged(new[] { c.RootFs }, w), c.RootFs));
                if (Directory.Exists(upper) && Directory.EnumerateFileSystemEntries(upper).Any())
                    layers.Add(importer.AddTree(w => FilesystemTar.WriteLayer(upper, w), "container " + c.Name));
                var config = new ImageConfig
                {
                    Env = c.Environment.Select(kv => kv.Key + "=" + kv.Value).ToArray(),
                    Cmd = c.Command,
                    WorkingDir = c.WorkingDirectory,
                };
                return Tag(ImageImporter.FromLayers("container " + c.Name, layers, config), name + ":" + tag);
            }
        }
    }
}
