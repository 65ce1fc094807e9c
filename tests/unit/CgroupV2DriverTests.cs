using System;
using MiniDocker.Engine;
using MiniDocker.Engine.Cgroups;
using Xunit;

namespace MiniDocker.Tests
{
    public class CgroupV2DriverTests : IDisposable
    {
        private readonly FakeCgroupTree _tree = new();
        private readonly CgroupV2Driver _driver;
        private const string Id = "c0ffee";
        private const string Dir = "user/minidocker/c0ffee";

        public CgroupV2DriverTests()
        {
            _tree.Write("cgroup.controllers", "cpuset cpu io memory pids");
            _tree.Write("cgroup.subtree_control", "");
            var layout = new CgroupLayout { Mode = CgroupMode.Unified, UnifiedMount = _tree.Root, UnifiedOwnPath = "/user/session" };
            _driver = new CgroupV2Driver(layout, parentOption: null);
        }

        public void Dispose() => _tree.Dispose();

        [Fact]
        public void CreatesTheLeafBesideTheCallerAndDelegatesControllers()
        {
            var cg = _driver.Create(Id, new ResourceLimits());
            Assert.Equal(_tree.Path_(Dir), cg.Directories[0]);
            Assert.Equal("+cpu +memory +pids +cpuset", _tree.Read("cgroup.subtree_control"));
            Assert.Equal("4096", _tree.Read(Dir + "/pids.max"));
            Assert.False(_tree.Exists(Dir + "/memory.max"));   // nothing asked, nothing written
            Assert.Equal(new[] { _tree.Path_(Dir, "cgroup.procs") }, _driver.ProcsFiles(cg));
        }

        [Fact]
        public void WritesEveryLimitWithV2Names()
        {
            _tree.Write(Dir + "/memory.swap.max", "max");
            _driver.Create(Id, new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = 96 << 20, Cpus = 0.5, CpuShares = 512, CpusetCpus = "0-1", PidsLimit = null });
            Assert.Equal((64 << 20).ToString(), _tree.Read(Dir + "/memory.max"));
            Assert.Equal((32 << 20).ToString(), _tree.Read(Dir + "/memory.swap.max"));
            Assert.Equal("50000 100000", _tree.Read(Dir + "/cpu.max"));
            Assert.Equal(CgroupV2Driver.SharesToWeight(512).ToString(), _tree.Read(Dir + "/cpu.weight"));
            Assert.Equal("0-1", _tree.Read(Dir + "/cpuset.cpus"));
            Assert.Equal("max", _tree.Read(Dir + "/pids.max"));
        }

        [Fact]
        public void NoSwapByDefaultAndUnlimitedSwapOnRequest()
        {
            _tree.Write(Dir + "/memory.swap.max", "max");
            var cg = _driver.Create(Id, new ResourceLimits { MemoryBytes = 64 << 20 });
            Assert.Equal("0", _tree.Read(Dir + "/memory.swap.max"));
            _driver.Apply(cg, new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = -1 });
            Assert.Equal("max", _tree.Read(Dir + "/memory.swap.max"));
        }

        [Fact]
        public void AnExplicitSwapLimitWithoutSwapAccountingIsAnErrorBeforeAnyWrite()
        {
            var cg = _driver.Create(Id, new ResourceLimits());
            var e = Assert.Throws<MiniDockerException>(() => _driver.Apply(cg, new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = 128 << 20 }));
            Assert.Equal("SwapLimitUnsupported", e.ErrorId);
            Assert.False(_tree.Exists(Dir + "/memory.max"));
        }

        [Fact]
        public void ReadsStatsFromV2Files()
        {
            var cg = _driver.Create(Id, new ResourceLimits());
            _tree.Write(Dir + "/memory.current", "1048576\n");
            _tree.Write(Dir + "/memory.peak", "2097152\n");
            _tree.Write(Dir + "/memory.max", "max\n");
            _tree.Write(Dir + "/cpu.stat", "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n");
            _tree.Write(Dir + "/pids.current", "3\n");
            _tree.Write(Dir + "/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
            var s = _driver.ReadStats(cg);
            Assert.Equal(1048576, s.MemoryUsage);
            Assert.Equal(2097152, s.MemoryPeak);
            Assert.Null(s.MemoryLimit);
            Assert.Equal(TimeSpan.FromSeconds(1.5), s.CpuTime);
            Assert.Equal(3, s.PidsCurrent);
            Assert.Equal(4096, s.PidsLimit);
            Assert.Equal(1, s.OomKills);
        }

        [Fact]
        public void OlderKernelsWithoutMemoryPeakReportNull()
        {
            var cg = _driver.Create(Id, new ResourceLimits());
            Assert.Null(_driver.ReadStats(cg).MemoryPeak);
        }

        [Fact]
        public void FreezesThroughCgroupFreezeAndWaitsForTheEvent()
        {
            var cg = _driver.Create(Id, new ResourceLimits());
            _tree.Write(Dir + "/cgroup.events", "populated 1\nfrozen 1\n");
            _driver.Freeze(cg);
            Assert.Equal("1", _tree.Read(Dir + "/cgroup.freeze"));
            _tree.Write(Dir + "/cgroup.events", "populated 1\nfrozen 0\n");
            _driver.Thaw(cg);
            Assert.Equal("0", _tree.Read(Dir + "/cgroup.freeze"));
        }

        [Fact]
        public void ExplainsAMissingController()
        {
            _tree.Write("cgroup.controllers", "cpu io");
            var e = Assert.Throws<MiniDockerException>(() => _driver.Create(Id, new ResourceLimits()));
            Assert.Equal("CgroupControllerMissing", e.ErrorId);
            Assert.Equal("memory", e.Target);
        }

        [Theory]
        [InlineData(2, 1)]
        [InlineData(1024, 100)]
        [InlineData(262144, 10000)]
        [InlineData(1, 1)]
        [InlineData(500000, 10000)]
        public void MapsSharesToWeightAsCrunDoes(long shares, long weight) => Assert.Equal(weight, CgroupV2Driver.SharesToWeight(shares));

        [Fact]
        public void SharesToWeightIsMonotonic()
        {
            long last = 0;
            for (long s = 2; s <= 262144; s += 97)
            {
                long w = CgroupV2Driver.SharesToWeight(s);
                Assert.True(w >= last, $"weight({s}) = {w} < {last}");
                last = w;
            }
        }
    }
}
