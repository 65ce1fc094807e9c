using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class ResourceSizeTests
    {
        [Theory]
        [InlineData("1048576", 1048576L)]
        [InlineData("100b", 100L)]
        [InlineData("100k", 100L * 1024)]
        [InlineData("256m", 256L * 1024 * 1024)]
        [InlineData("512MB", 512L * 1024 * 1024)]
        [InlineData("512MiB", 512L * 1024 * 1024)]
        [InlineData("1g", 1024L * 1024 * 1024)]
        [InlineData("1.5GB", 1536L * 1024 * 1024)]
        [InlineData(" 2 G ", 2048L * 1024 * 1024)]
        [InlineData("1t", 1024L * 1024 * 1024 * 1024)]
        public void ParsesDockerStyleStringsAs1024Based(string text, long expected) =>
            Assert.Equal(expected, ResourceSize.Parse(text, "Memory", "InvalidMemorySize"));

        [Fact]
        public void TakesPowerShellNumbers()
        {
            Assert.Equal(512L * 1024 * 1024, ResourceSize.Parse(536870912, "Memory", "X"));            // 512MB is an int
            Assert.Equal(8L * 1024 * 1024 * 1024, ResourceSize.Parse(8589934592L, "Memory", "X"));    // 8GB is a long
            Assert.Equal(1536L * 1024 * 1024, ResourceSize.Parse(1610612736.0, "Memory", "X"));      // 1.5GB is a double
        }

        [Theory]
        [InlineData("-1")]
        [InlineData("-5m")]
        [InlineData("0")]
        [InlineData("0k")]
        [InlineData("")]
        [InlineData("lots")]
        [InlineData("12 parsecs")]
        [InlineData("1e9")]
        [InlineData("5x")]
        [InlineData("99999999999g")]
        [InlineData("8192p")]
        public void RejectsBadStrings(string text)
        {
            var e = Assert.Throws<MiniDockerException>(() => ResourceSize.Parse(text, "Memory", "InvalidMemorySize"));
            Assert.Equal("InvalidMemorySize", e.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, e.Kind);
            Assert.Equal("Memory", e.Parameter);
            Assert.StartsWith("Memory '", e.Message);   // the engine's own name; a front end words it
            Assert.StartsWith("--memory '", e.WordedBy(p => "--" + p.ToLowerInvariant(), op => op).Message);
        }

        [Theory]
        [InlineData(-1)]
        [InlineData(0)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        [InlineData(1e30)]
        [InlineData(0.5)]
        public void RejectsBadNumbers(double value) =>
            Assert.Equal("InvalidMemorySwapSize", Assert.Throws<MiniDockerException>(() => ResourceSize.Parse(value, "MemorySwap", "InvalidMemorySwapSize")).ErrorId);

        [Fact]
        public void RejectsNullAndOtherTypes()
        {
            Assert.Throws<MiniDockerException>(() => ResourceSize.Parse(null, "Memory", "InvalidMemorySize"));
            Assert.Throws<MiniDockerException>(() => ResourceSize.Parse(new object(), "Memory", "InvalidMemorySize"));
        }
    }
}
