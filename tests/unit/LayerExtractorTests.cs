using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The extractor's path rules: what a tar entry name may be, before anything touches the disk.</summary>
    public class LayerExtractorTests
    {
        [Theory]
        [InlineData("bin/sh", "bin/sh")]
        [InlineData("./bin/sh", "bin/sh")]
        [InlineData("/etc/passwd", "etc/passwd")]       // absolute: taken as relative to the layer root
        [InlineData("a//b/./c/", "a/b/c")]
        [InlineData("./", "")]
        public void Names_are_normalized_inside_the_layer(string name, string expected) =>
            Assert.Equal(expected, LayerExtractor.Normalize(name, "test.tar"));

        [Theory]
        [InlineData("../etc/passwd")]
        [InlineData("a/../../b")]
        [InlineData("a/..")]
        [InlineData("a\0b")]
        public void Dot_dot_and_NUL_are_refused(string name) =>
            Assert.Equal("ImageEntryUnsafe", Assert.Throws<MiniDockerException>(() => LayerExtractor.Normalize(name, "test.tar")).ErrorId);

        [Fact]
        public void Overlong_names_are_refused()
        {
            Assert.Equal("ImageEntryNameTooLong", Assert.Throws<MiniDockerException>(() => LayerExtractor.Normalize("d/" + new string('x', 256), "t")).ErrorId);
            Assert.Equal("ImageEntryNameTooLong", Assert.Throws<MiniDockerException>(() => LayerExtractor.Normalize(string.Join('/', System.Linq.Enumerable.Repeat(new string('y', 200), 21)), "t")).ErrorId);
            Assert.Equal(new string('z', 255), LayerExtractor.Normalize(new string('z', 255), "t"));
        }

        [Theory]
        [InlineData("alpine", "alpine", "latest")]
        [InlineData("alpine:3.20", "alpine", "3.20")]
        [InlineData("library/alpine:edge", "library/alpine", "edge")]
        public void Image_references_parse(string reference, string name, string tag) =>
            Assert.Equal((name, tag), ImageStore.ParseReference(reference));

        [Theory]
        [InlineData("Alpine")]
        [InlineData("a b")]
        [InlineData("alpine:")]
        [InlineData("alpine:-x")]
        public void Bad_image_references_are_refused(string reference) =>
            Assert.Equal("InvalidImageName", Assert.Throws<MiniDockerException>(() => ImageStore.ParseReference(reference)).ErrorId);
    }
}
