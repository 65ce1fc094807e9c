using MiniDocker.Engine;
using MiniDocker.Engine.Registry;
using Xunit;

namespace MiniDocker.Tests
{
    public class ImageReferenceTests
    {
        private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        [Theory]
        // reference, registry, repository, tag, digest, local name, API host
        [InlineData("alpine", "docker.io", "library/alpine", "latest", null, "alpine", "registry-1.docker.io")]
        [InlineData("alpine:3.20", "docker.io", "library/alpine", "3.20", null, "alpine", "registry-1.docker.io")]
        [InlineData("docker.io/library/alpine@" + Digest, "docker.io", "library/alpine", null, Digest, "alpine", "registry-1.docker.io")]
        [InlineData("index.docker.io/user/app:1", "docker.io", "user/app", "1", null, "user/app", "registry-1.docker.io")]
        [InlineData("user/app", "docker.io", "user/app", "latest", null, "user/app", "registry-1.docker.io")]
        [InlineData("localhost:5000/x/y:tag", "localhost:5000", "x/y", "tag", null, "localhost:5000/x/y", "localhost:5000")]
        [InlineData("localhost/x", "localhost", "x", "latest", null, "localhost/x", "localhost")]
        [InlineData("127.0.0.1:5055/test/app:v1@" + Digest, "127.0.0.1:5055", "test/app", "v1", Digest, "127.0.0.1:5055/test/app", "127.0.0.1:5055")]
        [InlineData("ghcr.io/org/tool", "ghcr.io", "org/tool", "latest", null, "ghcr.io/org/tool", "ghcr.io")]
        [InlineData("[::1]:5000/a", "[::1]:5000", "a", "latest", null, "[::1]:5000/a", "[::1]:5000")]
        public void Parses_references_the_way_docker_does(string reference, string registry, string repository, string? tag, string? digest, string local, string apiHost)
        {
            var r = ImageReference.Parse(reference);
            Assert.Equal(registry, r.Registry);
            Assert.Equal(repository, r.Repository);
            Assert.Equal(tag, r.Tag);
            Assert.Equal(digest, r.Digest);
            Assert.Equal(local, r.LocalName);
            Assert.Equal(apiHost, r.ApiHost);
            Assert.Equal(digest ?? tag, r.ManifestReference);
        }

        [Theory]
        [InlineData("Alpine")]
        [InlineData("alpine@sha256:abc")]
        [InlineData("alpine@md5:0123456789abcdef0123456789abcdef")]
        [InlineData("a//b")]
        [InlineData("alpine:-bad")]
        [InlineData("host:notaport/x")]
        [InlineData("")]
        public void Refuses_malformed_references(string reference)
        {
            var e = Assert.Throws<MiniDockerException>(() => ImageReference.Parse(reference));
            Assert.Equal("InvalidImageReference", e.ErrorId);
        }

        [Theory]
        [InlineData("https://index.docker.io/v1/", "docker.io")]
        [InlineData("docker.io", "docker.io")]
        [InlineData("registry-1.docker.io", "docker.io")]
        [InlineData("http://localhost:5000/v2/", "localhost:5000")]
        [InlineData("Registry.Example.com", "registry.example.com")]
        public void Normalizes_registry_names_as_credential_files_key_them(string given, string expected) =>
            Assert.Equal(expected, ImageReference.NormalizeRegistry(given));

        [Theory]
        [InlineData("localhost:5000/x/y:tag", "localhost:5000/x/y", "tag")]
        [InlineData("127.0.0.1:5055/test/app", "127.0.0.1:5055/test/app", "latest")]
        [InlineData("alpine:3.20", "alpine", "3.20")]
        public void The_store_accepts_names_with_a_registry_host(string reference, string name, string tag) =>
            Assert.Equal((name, tag), ImageStore.ParseReference(reference));
    }
}
