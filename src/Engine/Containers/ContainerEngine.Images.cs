using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine
{
    /// <summary>Images: import, list, remove; containers made from them; volumes and tmpfs; export and commit.</summary>
    public sealed partial class ContainerEngine
    {
        private ImageStore? _images;

        public ImageStore Images => _images ??= new ImageStore(_options.StateRoot);

        // ---------------------------------------------------------------- import, list, remove

        /// <summary>
        /// Imports PATH (rootfs tarball or folder, docker save archive, OCI layout) as REFERENCE (name[:tag]).
        /// PROGRESS gets (bytes read, total or -1); WARN gets what was skipped. All or nothing.
        /// </summary>
        public Image ImportImage(string path, string reference, Action<long, long>? progress = null, Action<string>? warn = null, CancellationToken token = default)
        {
            var (name, tag) = ImageStore.ParseReference(reference);
            string full = Path.GetFullPath(path);
            if (!File.Exists(full) && !Directory.Exists(full))
                throw new MiniDockerException("ImageSourceNotFound", FailureKind.ObjectNotFound, $"'{full}' does not exist: give a rootfs tarball or folder, a docker save archive or an OCI image layout.", full);
            using (Images.Lock())
            {
                Images.RemoveTemporaryLayers();
                var image = new ImageImporter(Images, new LayerExtractor(warn, token), progress).Import(full);
                return Tag(image, name + ":" + tag);
            }
        }

        /// <summary>Records IMAGE under REFERENCE (moving the tag off any other image). Caller holds the store lock.</summary>
        private Image Tag(Image image, string reference)
        {
            var records = Images.Records();
            if (records.FirstOrDefault(i => i.Id == image.Id) is Image existing) { image.Tags = existing.Tags; image.RepoDigests = existing.RepoDigests.Union(image.RepoDigests).ToList(); }
            foreach (var other in records.Where(i => i.Id != image.Id && i.Tags.Remove(reference))) Images.Save(other);
            if (!image.Tags.Contains(reference)) image.Tags.Add(reference);
            Images.Save(image);
            return Expand(image).First(i => i.ToString() == reference);
        }

        /// <summary>One object per tag (like docker images); an untagged image once as &lt;none&gt;.</summary>
        private static IEnumerable<Image> Expand(Image record)
        {
            if (record.Tags.Count == 0) { yield return record; yield break; }
            foreach (var t in record.Tags)
            {
                var (name, tag) = ImageStore.ParseReference(t);
                yield return new Image { Id = record.Id, Tags = record.Tags, Name = name, Tag = tag, RepoDigests = record.RepoDigests, Layers = record.Layers, Config = record.Config, Created = record.Created, Size = record.Size, Source = record.Source };
            }
        }

        public IReadOnlyList<Image> ListImages() => Images.Records().SelectMany(Expand).ToList();

        /// <summary>The image REFERENCE names: name[:tag] (tag defaults to latest) or a unique id prefix.</summary>
        public Image GetImage(string reference)
        {
            var all = ListImages();
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
            throw new MiniDockerException("ImageNotFound", FailureKind.ObjectNotFound, $"No image '{reference}'; import one with Import-MiniImage.", reference);
        }

        /// <summary>
        /// Removes the tag IMAGE was listed under, and the image itself once no tag is left (or when it
        /// was named by id). Refuses while a container uses the image unless FORCE; layers stay while
        /// another image or a container needs them.
        /// </summary>
        public void RemoveImage(Image image, bool force)
        {
            using (Images.Lock())
            {
                var record = Images.Records().FirstOrDefault(i => i.Id == image.Id)
                    ?? throw new MiniDockerException("ImageNotFound", FailureKind.ObjectNotFound, $"Image '{image}' does not exist.", image);
                bool lastName = image.Name == "<none>" || record.Tags.Count <= 1;
                if (!lastName)
                {
                    record.Tags.Remove(image.ToString());
                    Images.Save(record);
                    return;
                }
                var users = List().Where(c => c.ImageId == record.Id).Select(c => c.Name).ToList();
                if (users.Count > 0 && !force)
                    throw new MiniDockerException("ImageInUse", FailureKind.InvalidOperation,
                        $"Image '{image}' is used by container(s) {string.Join(", ", users)}; remove them first or use -Force (their layers stay until they are removed).", image);
                Images.Delete(record);
                Images.CollectLayers(LayersInUse());
            }
        }

        /// <summary>Deletes layers no image and no container needs.</summary>
        private void CollectUnusedLayers()
        {
            using (Images.Lock()) Images.CollectLayers(LayersInUse());
        }

        private HashSet<string> LayersInUse() =>
            _store.Ids().Select(_store.Load).Where(c => c != null).SelectMany(c => c!.Layers).ToHashSet(StringComparer.Ordinal);

        // ---------------------------------------------------------------- containers from images

        private sealed record RootSource(IReadOnlyList<string> LayersTopFirst, Image? Image, string Description);

        private RootSource ResolveRootSource(ContainerSpec spec)
        {
            bool hasImage = !string.IsNullOrEmpty(spec.Image), hasRootfs = !string.IsNullOrEmpty(spec.RootFs);
            if (hasImage == hasRootfs)
                throw new MiniDockerException("RootFsOrImageRequired", FailureKind.InvalidArgument, "Give exactly one of -Image and -RootFs.", spec.Image ?? spec.RootFs);
            if (!hasImage)
            {
                if (spec.RootFs.Contains('\0'))
                    throw new MiniDockerException("InvalidRootFs", FailureKind.InvalidArgument, "The -RootFs path contains a NUL character.", spec.RootFs);
                string rootfs = Path.GetFullPath(spec.RootFs);
                if (File.Exists(rootfs))
                    throw new MiniDockerException("RootFsNotDirectory", FailureKind.InvalidArgument,
                        $"Root filesystem '{rootfs}' is a file, not a folder; give a rootfs folder, or import an archive first (Import-MiniImage) and use -Image.", rootfs);
                if (!Directory.Exists(rootfs))
                    throw new MiniDockerException("RootFsNotFound", FailureKind.ObjectNotFound, $"Root filesystem folder '{rootfs}' does not exist.", rootfs);
                return new RootSource(new[] { rootfs }, null, "rootfs " + rootfs);
            }
            var image = GetImage(spec.Image!);
            var layers = image.Layers.Select(l => Images.LayerPath(l.DiffId)).Reverse().ToList();
            if (layers.Count == 0 || !layers.All(Directory.Exists))
                throw new MiniDockerException("ImageLayerMissing", FailureKind.ObjectNotFound, $"A layer of image '{image}' is missing from the store; import the image again.", image);
            return new RootSource(layers, image, "image " + image);
        }

        /// <summary>docker's rule: Entrypoint + (the given command, else the image's Cmd).</summary>
        private static string[] ImageCommand(Image image, string[] command)
        {
            var args = (image.Config.Entrypoint ?? Array.Empty<string>()).Concat(command.Length > 0 ? command : image.Config.Cmd ?? Array.Empty<string>()).ToArray();
            if (args.Length == 0)
                throw new MiniDockerException("EmptyCommand", FailureKind.InvalidArgument, $"Image '{image}' has no Cmd or Entrypoint: give -Command.", image);
            return args;
        }

        private static Dictionary<string, string> ImageEnvironment(Image? image)
        {
            var env = new Dictionary<string, string>();
            foreach (var kv in image?.Config.Env ?? Array.Empty<string>())
            {
                int eq = kv.IndexOf('=');
                if (eq > 0) env[kv.Substring(0, eq)] = kv.Substring(eq + 1);
            }
            return env;
        }

        private static string RootDescription(Container c) => c.Image != null ? "image " + c.Image : "rootfs " + c.RootFs;

        /// <summary>The overlay's lower dirs, bottom first.</summary>
        private static IReadOnlyList<string> LowerDirs(Container c) => c.Layers.Count > 0 ? c.Layers : new[] { c.RootFs };

        private static List<ContainerMount> ParseMounts(ContainerSpec spec)
        {
            var mounts = new List<ContainerMount>();
            foreach (var v in spec.Volumes)
            {
                var parts = v.Split(':');
                var options = parts.Length == 3 ? parts[2].Split(',') : System.Array.Empty<string>();
                if (parts.Length is < 2 or > 3 || options.Any(o => o is not ("ro" or "rw" or "suid")) || (options.Contains("ro") && options.Contains("rw")) || parts[0].Length == 0)
                    throw new MiniDockerException("InvalidVolume", FailureKind.InvalidArgument, $"Volume '{v}' is not hostPath:containerPath[:OPTIONS], OPTIONS a comma-separated list of ro or rw, and suid.", v);
                string source = spec.HostPath(parts[0]);
                if (!File.Exists(source) && !Directory.Exists(source))
                    throw new MiniDockerException("VolumeSourceNotFound", FailureKind.ObjectNotFound, $"Volume source '{source}' does not exist on the host; create it first.", source);
                mounts.Add(new ContainerMount { Type = "bind", Source = source, Target = ContainerTarget(parts[1], v), ReadOnly = options.Contains("ro"), Suid = options.Contains("suid") });
            }
            foreach (var t in spec.Tmpfs) mounts.Add(new ContainerMount { Type = "tmpfs", Target = ContainerTarget(t, t) });
            return mounts;
        }

        internal static string ContainerTarget(string path, string spec)
        {
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
            if (!path.StartsWith('/') || parts.Count == 0 || parts.Contains("..") || path.Contains('\0'))
                throw new MiniDockerException("InvalidMountTarget", FailureKind.InvalidArgument, $"Mount target '{path}' (in '{spec}') must be an absolute path below / without '..'.", spec);
            return "/" + string.Join('/', parts);
        }

        /// <summary>
        /// Mount targets with every symlink resolved inside the container's current filesystem (its upper
        /// dir over its lower dirs, as the container left it), so the helper never follows one out.
        /// </summary>
        private static List<ContainerMount> ResolveMountTargets(Container c, string containerDir)
        {
            // A source deleted since creation would fail the bind mount with ENOENT, which reads like the rootfs's fault.
            foreach (var m in c.Mounts)
                if (m.Type == "bind" && !File.Exists(m.Source) && !Directory.Exists(m.Source))
                    throw new MiniDockerException("VolumeSourceNotFound", FailureKind.ObjectNotFound,
                        $"Volume source '{m.Source}' of container '{c.Name}' no longer exists on the host; create it again, or recreate the container without -Volume {m}.", c);
            var view = new List<string> { Path.Combine(containerDir, "upper") };
            view.AddRange(LowerDirs(c).Reverse());
            return c.Mounts.Select(m => new ContainerMount { Type = m.Type, Source = m.Source, ReadOnly = m.ReadOnly, Suid = m.Suid, Target = RootfsPath.ResolveContainerPath(view, m.Target) })
                .Select(m => m.Target == "/" ? throw new MiniDockerException("InvalidMountTarget", FailureKind.InvalidArgument, $"Mount target of '{m}' resolves to the container's root.", c) : m)
                .ToList();
        }

        // ---------------------------------------------------------------- export, commit

        /// <summary>The container's filesystem (its layers with its own changes on top, whiteouts applied) as a tar written to OUTPUT.</summary>
        public void Export(string id, Stream output)
        {
            var c = Get(id) ?? throw NotFound(id);
            FilesystemTar.WriteMerged(ContainerView(c), output);
        }

        /// <summary>
        /// Saves a stopped container as a new image REFERENCE: the image's layers (or the rootfs folder as
        /// one layer) plus the container's changes as a new top layer; its command, environment and
        /// working directory become the image's defaults.
        /// </summary>
        public Image Commit(string id, string reference, Action<string>? warn = null, CancellationToken token = default)
        {
            var (name, tag) = ImageStore.ParseReference(reference);
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State is ContainerState.Running or ContainerState.Paused)
                throw new MiniDockerException("ContainerRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is {c.State.ToString().ToLowerInvariant()}; stop it before saving it as an image.", c);
            string upper = Path.Combine(_store.DirectoryOf(c.Id), "upper");
            using (Images.Lock())
            {
                Images.RemoveTemporaryLayers();
                var importer = new ImageImporter(Images, new LayerExtractor(warn, token), null);
                var layers = new List<LayerDigest>();
                if (c.Layers.Count > 0)
                    layers.AddRange(c.Layers.Select(l => new LayerDigest(Path.GetFileName(l), Images.LayerSize(Path.GetFileName(l)))));
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

        /// <summary>What the container sees, top first: its upper dir over its lower dirs.</summary>
        private IReadOnlyList<string> ContainerView(Container c)
        {
            var view = new List<string>();
            string upper = Path.Combine(_store.DirectoryOf(c.Id), "upper");
            if (Directory.Exists(upper)) view.Add(upper);
            view.AddRange(LowerDirs(c).Reverse());
            return view;
        }
    }
}
