using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine
{
    /// <summary>Images as the lifecycle offers them (the work is <see cref="ImageService"/>'s); export and commit of a container.</summary>
    public sealed partial class ContainerEngine
    {
        private ImageStore? _images;
        private ImageService? _imageService;

        public ImageStore Images => _images ??= new ImageStore(_options.StateRoot);

        private ImageService ImageService => _imageService ??= new ImageService(Images, () => _store.Ids().Select(_store.Load).Where(c => c != null).Cast<Container>());

        /// <inheritdoc cref="ImageService.Import"/>
        public Image ImportImage(string path, string reference, Action<long, long>? progress = null, Action<string>? warn = null, CancellationToken token = default, string? platform = null) =>
            ImageService.Import(path, reference, progress, warn, token, platform);

        // The registry partial tags and expands under the store lock it holds.
        private Image Tag(Image image, string reference) => ImageService.Tag(image, reference);

        private static IEnumerable<Image> Expand(Image record) => ImageService.Expand(record);

        public IReadOnlyList<Image> ListImages() => ImageService.List();

        /// <inheritdoc cref="ImageService.Get"/>
        public Image GetImage(string reference) => ImageService.Get(reference);

        /// <summary>
        /// Removes the tag IMAGE was listed under, and the image itself once no tag is left (or when it
        /// was named by id). Refuses while a container uses the image unless FORCE.
        /// </summary>
        public void RemoveImage(Image image, bool force) =>
            ImageService.Remove(image, force, id => List().Where(c => c.ImageId == id).Select(c => c.Name).ToList());

        /// <summary>The container's filesystem (its layers with its own changes on top, whiteouts applied) as a tar written to OUTPUT.</summary>
        public void Export(string id, Stream output)
        {
            var c = Get(id) ?? throw NotFound(id);
            FilesystemTar.WriteMerged(ContainerMounts.View(c, _store.DirectoryOf(c.Id)), output, containerIds: true);
        }

        /// <summary>
        /// Saves a stopped container as a new image REFERENCE: the image's layers (or the rootfs folder as
        /// one layer) plus the container's changes as a new top layer; its command, environment and
        /// working directory become the image's defaults.
        /// </summary>
        public Image Commit(string id, string reference, Action<string>? warn = null, CancellationToken token = default)
        {
            ImageStore.ParseReference(reference);   // a bad name fails before anything is locked
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State is ContainerState.Running or ContainerState.Paused)
                throw new MiniDockerException("ContainerRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is {c.State.ToString().ToLowerInvariant()}; stop it before saving it as an image.", c);
            return ImageService.Commit(c, Path.Combine(_store.DirectoryOf(c.Id), "upper"), reference, warn, token);
        }
    }
}
