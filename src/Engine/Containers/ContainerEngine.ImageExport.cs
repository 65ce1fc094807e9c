using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using MiniDocker.Engine.Registry;

namespace MiniDocker.Engine
{
    /// <summary>docker save: stored images written to a docker archive or an OCI layout.</summary>
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Writes the stored images REFERENCES name (name[:tag] or id prefix) to PATH in FORMAT, each under
        /// the name:tag it was given (none for an id); returns each image's manifest digest in that layout.
        /// </summary>
        public IReadOnlyList<string> SaveImages(IReadOnlyList<string> references, string path, ImageArchiveFormat format, Action<PullProgress>? progress = null, CancellationToken token = default)
        {
            string full = Path.GetFullPath(path);
            var resolved = references.Select(r => (Image: GetImage(r), Reference: r)).ToList();
            // Shared with pulls and imports: no layer may be collected while it is being read.
            using (Images.Lock())
            {
                var records = Images.Records();
                var images = resolved.Select(x => (
                    Record: records.FirstOrDefault(i => i.Id == x.Image.Id) ?? throw new MiniDockerException("ImageNotFound", FailureKind.ObjectNotFound, $"Image '{x.Reference}' does not exist.", x.Reference),
                    Reference: x.Image.Name == "<none>" ? null : x.Image.ToString())).ToList();
                return new ImageExporter(Images, format, progress, token).Export(images, full, references.Count == 1 ? references[0] : full);
            }
        }
    }
}
