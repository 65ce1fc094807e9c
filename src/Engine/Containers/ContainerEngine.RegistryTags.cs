using System.Collections.Generic;
using System.Linq;
using System.Threading;
using MiniDocker.Engine.Registry;

namespace MiniDocker.Engine
{
    /// <summary>docker pull --all-tags: the tags a registry repository has.</summary>
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Every tag of the repository REPOSITORY names (alpine, localhost:5000/x/y), as full references to
        /// pull one by one. A reference with a tag or digest is refused, as docker pull --all-tags refuses it.
        /// </summary>
        public IReadOnlyList<string> ListRegistryTags(string repository, PullOptions options, CancellationToken token = default)
        {
            var r = ImageReference.Parse(repository);
            string last = repository.Substring(repository.LastIndexOf('/') + 1);
            if (r.Digest != null || last.Contains(':'))
                throw new MiniDockerException("InvalidImageReference", FailureKind.InvalidArgument, (p, op) => $"'{repository}' names a tag or digest; {p("AllTags")} takes a repository only, such as {r.LocalName}.", repository);
            var credential = options.Credential ?? RegistryCredentials.Find(r.Registry);
            using var client = new RegistryClient(r.Registry, r.ApiHost, options.Insecure, credential, options.Verbose);
            client.PingAsync(token).GetAwaiter().GetResult();
            var tags = client.ListTagsAsync(r.Repository, token).GetAwaiter().GetResult();
            options.Verbose?.Invoke($"{r.LocalName} has {tags.Count} tag(s): {string.Join(", ", tags)}");
            return tags.Select(t => r.LocalName + ":" + t).ToList();
        }
    }
}
