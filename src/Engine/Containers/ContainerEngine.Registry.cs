using System;
using System.Linq;
using System.Threading;
using MiniDocker.Engine.Registry;

namespace MiniDocker.Engine
{
    /// <summary>Images from registries: pull, and the credentials login keeps.</summary>
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Pulls REFERENCE (alpine, alpine:3.20, host:port/x/y@sha256:...) into the image store and
        /// tags it with its familiar name (alpine:3.20, localhost:5000/x/y:tag); a pull by digest is
        /// recorded under name@digest. All or nothing: the record is written after every layer is in.
        /// </summary>
        public Image PullImage(string reference, PullOptions options, CancellationToken token = default)
        {
            var r = ImageReference.Parse(reference);
            var credential = options.Credential ?? RegistryCredentials.Find(r.Registry);
            if (credential != null) options.Verbose?.Invoke($"{r.Registry}: using the credentials of '{credential.UserName}'");
            using var client = new RegistryClient(r.Registry, r.ApiHost, options.Insecure, credential, options.Verbose);
            using (Images.Lock())
            {
                Images.RemoveTemporaryLayers();
                var pulled = new ImagePuller(Images, client, r, options).PullAsync(token).GetAwaiter().GetResult();
                var image = pulled.Image;
                image.RepoDigests.Add(r.LocalName + "@" + pulled.ManifestDigest);
                if (r.LocalTag != null) return Tag(image, r.LocalTag);
                if (Images.Records().FirstOrDefault(i => i.Id == image.Id) is Image existing)
                {
                    image.Tags = existing.Tags;
                    image.RepoDigests = existing.RepoDigests.Union(image.RepoDigests).ToList();
                }
                Images.Save(image);
                return Expand(image).First();
            }
        }

        /// <summary>
        /// Pushes the stored image REFERENCE to DESTINATION (default: its own name, which must then name
        /// a registry or Docker Hub) and records name@digest in its RepoDigests. A new destination name
        /// is also added to the image's tags, as docker tag + docker push would leave it.
        /// </summary>
        public Image PushImage(string reference, string? destination, PullOptions options, CancellationToken token = default)
        {
            var image = GetImage(reference);
            var target = ImageReference.Parse(destination ?? image.ToString());
            var credential = options.Credential ?? RegistryCredentials.Find(target.Registry);
            if (credential != null) options.Verbose?.Invoke($"{target.Registry}: using the credentials of '{credential.UserName}'");
            using var client = new RegistryClient(target.Registry, target.ApiHost, options.Insecure, credential, options.Verbose);
            // Shared with pulls and imports: no layer may be collected while it is being read.
            using (Images.Lock())
            {
                var record = Images.Records().FirstOrDefault(i => i.Id == image.Id)
                    ?? throw new MiniDockerException("ImageNotFound", FailureKind.ObjectNotFound, $"Image '{reference}' does not exist.", reference);
                string digest = new ImagePusher(Images, client, target, options).PushAsync(record, token).GetAwaiter().GetResult();
                string repoDigest = target.LocalName + "@" + digest;
                if (!record.RepoDigests.Contains(repoDigest)) record.RepoDigests.Add(repoDigest);
                if (target.LocalTag is string tag && !record.Tags.Contains(tag)) return Tag(record, tag);
                Images.Save(record);
                return Expand(record).FirstOrDefault(i => i.ToString() == target.LocalTag) ?? Expand(record).First();
            }
        }

        /// <summary>Adds the name NEWREFERENCE (name[:tag], registry names allowed) to the image REFERENCE names (docker tag).</summary>
        public Image TagImage(string reference, string newReference)
        {
            var (name, tag) = ImageStore.ParseReference(newReference);
            var image = GetImage(reference);
            using (Images.Lock())
            {
                var record = Images.Records().FirstOrDefault(i => i.Id == image.Id)
                    ?? throw new MiniDockerException("ImageNotFound", FailureKind.ObjectNotFound, $"Image '{reference}' does not exist.", reference);
                return Tag(record, name + ":" + tag);
            }
        }

        /// <summary>
        /// The local image REFERENCE names, pulled first when POLICY says so (Missing: only when it is not
        /// in the store; Always; Never). Returns the reference to create a container from.
        /// </summary>
        public string ResolveImageForRun(string reference, PullPolicy policy, PullOptions options, CancellationToken token = default)
        {
            if (policy != PullPolicy.Always && TryGetImage(reference)) return reference;
            var r = ImageReference.Parse(reference);
            string local = r.LocalDigest ?? r.LocalTag!;
            if (policy == PullPolicy.Never || (policy == PullPolicy.Missing && TryGetImage(local))) return local;
            PullImage(reference, options, token);
            return local;
        }

        private bool TryGetImage(string reference)
        {
            try { GetImage(reference); return true; }
            catch (MiniDockerException e) when (e.ErrorId is "ImageNotFound" or "InvalidImageReference") { return false; }
        }

        /// <summary>Checks CREDENTIAL with REGISTRY (Basic on /v2/, or a token from its token server), then records it (0600). Returns the file.</summary>
        public string LoginRegistry(string registry, RegistryCredential credential, bool insecure, Action<string>? verbose = null, CancellationToken token = default)
        {
            string host = ImageReference.NormalizeRegistry(registry);
            string apiHost = host == ImageReference.DockerHub ? "registry-1.docker.io" : host;
            using (var client = new RegistryClient(host, apiHost, insecure, credential, verbose))
                client.VerifyLoginAsync(token).GetAwaiter().GetResult();
            return RegistryCredentials.Save(host, credential);
        }

        /// <summary>Forgets REGISTRY's recorded credentials; false when none were recorded.</summary>
        public bool LogoutRegistry(string registry) => RegistryCredentials.Remove(ImageReference.NormalizeRegistry(registry));
    }

    /// <summary>When New-MiniContainer -Image pulls: Missing (default, like docker run), Always, Never.</summary>
    public enum PullPolicy { Missing, Always, Never }
}
