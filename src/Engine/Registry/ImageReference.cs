using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace MiniDocker.Engine.Registry
{
    /// <summary>
    /// A registry image reference, Docker's way: [registry[:port]/]repository[:tag][@sha256:digest].
    /// The first component is a registry when it has a '.' or ':' or is "localhost"; otherwise the
    /// image is on Docker Hub (docker.io), where a one-component name means library/NAME.
    /// </summary>
    public sealed class ImageReference
    {
        public const string DockerHub = "docker.io";
        private static readonly Regex Component = new("^[a-z0-9]+([._-]+[a-z0-9]+)*$", RegexOptions.Compiled);
        private static readonly Regex Host = new(@"^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]{1,5})?$|^\[[0-9a-fA-F:]+\](:[0-9]{1,5})?$", RegexOptions.Compiled);
        private static readonly Regex TagPattern = new("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.Compiled);
        private static readonly Regex DigestPattern = new("^sha256:[0-9a-f]{64}$", RegexOptions.Compiled);

        private ImageReference(string registry, string repository, string? tag, string? digest)
        {
            Registry = registry;
            Repository = repository;
            Tag = tag;
            Digest = digest;
        }

        /// <summary>As written in a reference (docker.io for Docker Hub).</summary>
        public string Registry { get; }
        /// <summary>The repository path on the registry (library/alpine on Docker Hub).</summary>
        public string Repository { get; }
        /// <summary>The tag; latest when neither a tag nor a digest was given, null for a digest-only reference.</summary>
        public string? Tag { get; }
        /// <summary>sha256:HEX when the reference pins a manifest digest.</summary>
        public string? Digest { get; }

        /// <summary>The host the API is served from (Docker Hub's is registry-1.docker.io).</summary>
        public string ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

        /// <summary>The tag or the digest, as the manifests endpoint takes it.</summary>
        public string ManifestReference => Digest ?? Tag!;

        /// <summary>The name images are stored under: Docker's familiar form (alpine, user/app, localhost:5000/x/y).</summary>
        public string LocalName => Registry != DockerHub ? Registry + "/" + Repository
            : Repository.StartsWith("library/", StringComparison.Ordinal) && Repository.IndexOf('/', 8) < 0 ? Repository.Substring(8) : Repository;

        /// <summary>name:tag for the store, or null for a digest-only reference.</summary>
        public string? LocalTag => Tag == null ? null : LocalName + ":" + Tag;

        /// <summary>name@digest, how a pull by digest is found again.</summary>
        public string? LocalDigest => Digest == null ? null : LocalName + "@" + Digest;

        public override string ToString() => Registry + "/" + Repository + (Tag != null ? ":" + Tag : "") + (Digest != null ? "@" + Digest : "");

        public static ImageReference Parse(string reference)
        {
            string rest = reference.Trim();
            string? digest = null, tag = null;
            int at = rest.IndexOf('@');
            if (at >= 0)
            {
                digest = rest.Substring(at + 1);
                rest = rest.Substring(0, at);
                if (!DigestPattern.IsMatch(digest)) throw Invalid(reference, $"'{digest}' is not a sha256 digest (sha256: and 64 lowercase hex digits)");
            }
            int colon = rest.LastIndexOf(':');
            if (colon > rest.LastIndexOf('/'))
            {
                tag = rest.Substring(colon + 1);
                rest = rest.Substring(0, colon);
                if (!TagPattern.IsMatch(tag)) throw Invalid(reference, $"tag '{tag}' may have letters, digits, '_', '.' and '-' only (at most 128, not starting with '.' or '-')");
            }
            var parts = rest.Split('/');
            string registry = DockerHub;
            if (parts.Length > 1 && (parts[0].Contains('.') || parts[0].Contains(':') || parts[0] == "localhost"))
            {
                registry = parts[0];
                parts = parts.Skip(1).ToArray();
                if (!Host.IsMatch(registry)) throw Invalid(reference, $"'{registry}' is not a registry host[:port]");
            }
            if (registry is "index.docker.io" or "registry-1.docker.io") registry = DockerHub;
            if (parts.Length == 0 || !parts.All(Component.IsMatch))
                throw Invalid(reference, "a repository is lowercase letters and digits with '.', '_' or '-' separators, components joined by '/'");
            string repository = string.Join('/', parts);
            if (registry == DockerHub && parts.Length == 1) repository = "library/" + repository;
            if (repository.Length > 255) throw Invalid(reference, "the repository name is longer than 255 characters");
            if (tag == null && digest == null) tag = "latest";
            return new ImageReference(registry, repository, tag, digest);
        }

        /// <summary>A registry host as the user gives it to login (docker.io, localhost:5000, https://index.docker.io/v1/).</summary>
        public static string NormalizeRegistry(string registry)
        {
            string r = registry.Trim();
            int scheme = r.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0) r = r.Substring(scheme + 3);
            int slash = r.IndexOf('/');
            if (slash >= 0) r = r.Substring(0, slash);
            if (r is "index.docker.io" or "registry-1.docker.io" or "") r = DockerHub;
            if (!Host.IsMatch(r)) throw new MiniDockerException("InvalidRegistryName", FailureKind.InvalidArgument, $"'{registry}' is not a registry host[:port] such as docker.io or localhost:5000.", registry);
            return r.ToLowerInvariant();
        }

        private static MiniDockerException Invalid(string reference, string why) =>
            new("InvalidImageReference", FailureKind.InvalidArgument, $"Image reference '{reference}' is not valid: {why}.", reference);
    }
}
