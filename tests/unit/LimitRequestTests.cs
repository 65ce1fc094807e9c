using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class LimitRequestTests
    {
        private static readonly HostCpus TwoCpus = new(new[] { 0, 1 });

        private static string Rejects(LimitRequest r, ResourceLimits? current = null) =>
            Assert.Throws<MiniDockerException>(() => r.ApplyTo(current ?? new ResourceLimits(), TwoCpus)).ErrorId;

        [Fact]
        public void AnEmptyRequestKeepsTheDefaults()
        {
            var l = new LimitRequest().ApplyTo(new ResourceLimits(), TwoCpus);
            Assert.Equal(ResourceLimits.DefaultPidsLimit, l.PidsLimit);
            Assert.Null(l.MemoryBytes);
            Assert.Null(l.Cpus);
        }

        [Fact]
        public void OnlyTheGivenLimitsChange()
        {
            var current = new ResourceLimits { MemoryBytes = 64 << 20, Cpus = 1, PidsLimit = 100 };
            var l = new LimitRequest { Cpus = 0.5 }.ApplyTo(current, TwoCpus);
            Assert.Equal(0.5, l.Cpus);
            Assert.Equal(64 << 20, l.MemoryBytes);
            Assert.Equal(100, l.PidsLimit);
            Assert.Equal(1, current.Cpus); // the stored limits are not touched
        }

        [Fact]
        public void MinusOneMeansUnlimited()
        {
            var l = new LimitRequest { Memory = "64m", MemorySwap = -1, PidsLimit = -1 }.ApplyTo(new ResourceLimits(), TwoCpus);
            Assert.Equal(-1, l.MemorySwapBytes);
            Assert.Null(l.PidsLimit);
        }

        [Fact]
        public void ValidatesSwapAgainstTheMergedMemory()
        {
            Assert.Equal("MemorySwapBelowMemory", Rejects(new LimitRequest { Memory = "64m", MemorySwap = "32m" }));
            Assert.Equal("MemorySwapWithoutMemory", Rejects(new LimitRequest { MemorySwap = "64m" }));
            // Raising memory above an earlier swap limit: docker refuses this too.
            Assert.Equal("MemorySwapBelowMemory", Rejects(new LimitRequest { Memory = "128m" }, new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = 96 << 20 }));
            Assert.Equal(128L << 20, new LimitRequest { Memory = "64m", MemorySwap = "128m" }.ApplyTo(new ResourceLimits(), TwoCpus).MemorySwapBytes);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(0.001)]
        [InlineData(2.5)]
        [InlineData(double.NaN)]
        public void RejectsCpusOutsideTheHost(double cpus) => Assert.Equal("InvalidCpus", Rejects(new LimitRequest { Cpus = cpus }));

        [Theory]
        [InlineData("2")]
        [InlineData("0-2")]
        [InlineData("1-0")]
        [InlineData("0,,1")]
        [InlineData("a")]
        [InlineData("-1")]
        [InlineData("0-1-2")]
        [InlineData(" ")]
        public void RejectsBadOrUnavailableCpusets(string set) => Assert.Equal("InvalidCpuset", Rejects(new LimitRequest { CpusetCpus = set }));

        [Theory]
        [InlineData("0", "0")]
        [InlineData("0-1", "0-1")]
        [InlineData(" 1,0 ", "1,0")]
        public void AcceptsCpusetsOnTheHost(string set, string stored) =>
            Assert.Equal(stored, new LimitRequest { CpusetCpus = set }.ApplyTo(new ResourceLimits(), TwoCpus).CpusetCpus);

        [Fact]
        public void ValidatesSharesPidsAndTheMemoryFloor()
        {
            Assert.Equal("InvalidCpuShares", Rejects(new LimitRequest { CpuShares = 1 }));
            Assert.Equal("InvalidCpuShares", Rejects(new LimitRequest { CpuShares = 262145 }));
            Assert.Equal("InvalidPidsLimit", Rejects(new LimitRequest { PidsLimit = 0 }));
            Assert.Equal("InvalidPidsLimit", Rejects(new LimitRequest { PidsLimit = -2 }));
            Assert.Equal("InvalidMemorySize", Rejects(new LimitRequest { Memory = "5m" }));
        }

        [Fact]
        public void CpuListParsesTheKernelSyntax()
        {
            Assert.True(CpuList.TryParse("0-3,5\n", out var cpus));
            Assert.Equal(new[] { 0, 1, 2, 3, 5 }, cpus);
            Assert.False(CpuList.TryParse("0-99999", out _));
        }
    }
}
