using System;
using System.Collections.Generic;
using System.IO;
using MiniDocker.Engine;
using MiniDocker.Engine.Cgroups;
using Xunit;

namespace MiniDocker.Tests
{
    public class CgroupV1DriverTests : IDisposable
    {
        private readonly FakeCgroupTree _tree = new();
        private readonly CgroupV1Driver _driver;
        private const string Id = "c0ffee";
        private const string Unlimited = "9223372036854771712";
        private static readonly string[] Hierarchies = { "memory", "pids", "cpu", "cpuacct", "cpuset", "freezer" };

        public CgroupV1DriverTests()
        {
            var v1 = new Dictionary<string, (string, string)>();
            foreach (var h in Hierarchies) v1[h] = (_tree.Path_(h), "/own");
            _tree.Write("cpuset/own/cpuset.cpus", "0-1\n");
            _tree.Write("cpuset/own/cpuset.mems", "0\n");
            _driver = new CgroupV1Driver(new CgroupLayout { Mode = CgroupMode.Hybrid, V1 = v1 }, parentOption: "md");
        }

        public void Dispose() => _tree.Dispose();

        private static string Dir(string h) => $"{h}/own/md/{Id}";

        /// <summary>A container cgroup whose memory files hold LIMIT and MEMSW, as the kernel would show them.</summary>
        private ContainerCgroup WithMemory(string limit, string? memsw)
        {
            _tree.Write(Dir("memory") + "/memory.limit_in_bytes", limit);
            if (memsw != null) _tree.Write(Dir("memory") + "/memory.memsw.limit_in_bytes", memsw);
            return _driver.Create(Id, new ResourceLimits());
        }

        [Fact]
        public void CreatesOneDirectoryPerHierarchyUnderTheOwnCgroup()
        {
            var cg = _driver.Create(Id, new ResourceLimits());
            Assert.Equal(Hierarchies.Length, cg.Directories.Count);
            foreach (var h in Hierarchies) Assert.Contains(_tree.Path_(Dir(h)), cg.Directories);
            Assert.Equal("0-1", _tree.Read(Dir("cpuset") + "/cpuset.cpus"));   // inherited, else nothing could run
            Assert.Equal("0", _tree.Read("cpuset/own/md/cpuset.mems"));
            Assert.Equal("4096", _tree.Read(Dir("pids") + "/pids.max"));
        }

        [Fact]
        public void WritesEveryLimitWithV1Names()
        {
            _driver.Create(Id, new ResourceLimits { MemoryBytes = 64 << 20, Cpus = 1.5, CpuShares = 512, CpusetCpus = "1", PidsLimit = 10 });
            Assert.Equal((64 << 20).ToString(), _tree.Read(Dir("memory") + "/memory.limit_in_bytes"));
            Assert.Equal("100000", _tree.Read(Dir("cpu") + "/cpu.cfs_period_us"));
            Assert.Equal("150000", _tree.Read(Dir("cpu") + "/cpu.cfs_quota_us"));
            Assert.Equal("512", _tree.Read(Dir("cpu") + "/cpu.shares"));
            Assert.Equal("1", _tree.Read(Dir("cpuset") + "/cpuset.cpus"));
            Assert.Equal("10", _tree.Read(Dir("pids") + "/pids.max"));
        }

        [Fact]
        public void WithoutSwapAccountingOnlyMemoryIsWrittenAndAnExplicitSwapIsRefused()
        {
            var cg = WithMemory(Unlimited, memsw: null);
            _driver.Apply(cg, new ResourceLimits { MemoryBytes = 64 << 20 });
            Assert.Equal((64 << 20).ToString(), _tree.Read(Dir("memory") + "/memory.limit_in_bytes"));
            Assert.False(_tree.Exists(Dir("memory") + "/memory.memsw.limit_in_bytes"));
            var e = Assert.Throws<MiniDockerException>(() => _driver.Apply(cg, new ResourceLimits { MemoryBytes = 32 << 20, MemorySwapBytes = 64 << 20 }));
            Assert.Equal("SwapLimitUnsupported", e.ErrorId);
            Assert.Equal((64 << 20).ToString(), _tree.Read(Dir("memory") + "/memory.limit_in_bytes"));
        }

        [Fact]
        public void MemswFollowsMemoryWhenNoSwapIsAsked()
        {
            var cg = WithMemory(Unlimited, Unlimited);
            _driver.Apply(cg, new ResourceLimits { MemoryBytes = 64 << 20 });
            Assert.Equal((64 << 20).ToString(), _tree.Read(Dir("memory") + "/memory.memsw.limit_in_bytes"));
            _driver.Apply(cg, new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = -1 });
            Assert.Equal("-1", _tree.Read(Dir("memory") + "/memory.memsw.limit_in_bytes"));
        }

        /// <summary>
        /// Kernel values never take the user's culture: under sv-SE (ICU) -1 formats as U+2212 MINUS SIGN,
        /// which cgroupfs refuses with EINVAL, so -MemorySwap -1 failed to start for such a user.
        /// </summary>
        [Theory]
        [InlineData("sv-SE")]
        [InlineData("nb-NO")]
        public void WritesUnlimitedSwapAsAsciiMinusOneWhateverTheCulture(string culture)
        {
            var saved = System.Globalization.CultureInfo.CurrentCulture;
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo(culture);
            try
            {
                Assert.Equal("\u22121", (-1L).ToString());   // the control: this culture does write U+2212
                var cg = WithMemory(Unlimited, Unlimited);
                _driver.Apply(cg, new ResourceLimits { MemoryBytes = 64 << 20, MemorySwapBytes = -1, Cpus = 0.5, PidsLimit = 7 });
                Assert.Equal("-1", _tree.Read(Dir("memory") + "/memory.memsw.limit_in_bytes"));
                Assert.Equal("50000", _tree.Read(Dir("cpu") + "/cpu.cfs_quota_us"));
                Assert.Equal("7", _tree.Read(Dir("pids") + "/pids.max"));
            }
            finally { System.Globalization.CultureInfo.CurrentCulture = saved; }
        }

        /// <summary>
        /// The order is observed by making the memsw write fail (its file is a dangling symlink): when growing,
        /// memsw goes first, so memory is still untouched; when shrinking, memory was already written.
        /// </summary>
        [Theory]
        [InlineData(32, 64, false)]   // growing: memsw first
        [InlineData(128, 64, true)]   // shrinking: memory first
        public void OrdersMemoryAndMemswSoMemoryNeverExceedsMemsw(long fromMb, long toMb, bool memoryWrittenFirst)
        {
            var cg = WithMemory((fromMb << 20).ToString(), (fromMb << 20).ToString());
            string memsw = _tree.Path_(Dir("memory"), "memory.memsw.limit_in_bytes");
            File.Delete(memsw);
            File.CreateSymbolicLink(memsw, "/nonexistent-md-test-dir/memsw");
            Assert.Throws<MiniDockerException>(() => _driver.Apply(cg, new ResourceLimits { MemoryBytes = toMb << 20 }));
            Assert.Equal(((memoryWrittenFirst ? toMb : fromMb) << 20).ToString(), _tree.Read(Dir("memory") + "/memory.limit_in_bytes"));
        }

        [Fact]
        public void ReadsStatsFromV1Files()
        {
            var cg = _driver.Create(Id, new ResourceLimits { PidsLimit = null });
            _tree.Write(Dir("memory") + "/memory.usage_in_bytes", "1048576\n");
            _tree.Write(Dir("memory") + "/memory.max_usage_in_bytes", "2097152\n");
            _tree.Write(Dir("memory") + "/memory.limit_in_bytes", Unlimited + "\n");
            _tree.Write(Dir("memory") + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
            _tree.Write(Dir("cpuacct") + "/cpuacct.usage", "1500000000\n");
            _tree.Write(Dir("pids") + "/pids.current", "3\n");
            var s = _driver.ReadStats(cg);
            Assert.Equal(1048576, s.MemoryUsage);
            Assert.Equal(2097152, s.MemoryPeak);
            Assert.Null(s.MemoryLimit);
            Assert.Equal(TimeSpan.FromSeconds(1.5), s.CpuTime);
            Assert.Equal(3, s.PidsCurrent);
            Assert.Null(s.PidsLimit);
            Assert.Equal(2, s.OomKills);
            Assert.Equal(2, _driver.OomKillCount(cg));
        }

        [Fact]
        public void FreezesAndThawsThroughFreezerState()
        {
            var cg = _driver.Create(Id, new ResourceLimits());
            _driver.Freeze(cg);
            Assert.Equal("FROZEN", _tree.Read(Dir("freezer") + "/freezer.state"));
            _driver.Thaw(cg);
            Assert.Equal("THAWED", _tree.Read(Dir("freezer") + "/freezer.state"));
        }

        [Fact]
        public void FillsACpusetParentThatAParallelStartMadeButHasNotFilledYet()
        {
            // Another start has made the shared parent and not yet copied cpus/mems into it: an empty cpuset takes no task (ENOSPC).
            _tree.Write("cpuset/own/md/cpuset.cpus", "\n");
            _tree.Write("cpuset/own/md/cpuset.mems", "\n");
            _driver.Create(Id, new ResourceLimits());
            Assert.Equal("0-1", _tree.Read("cpuset/own/md/cpuset.cpus"));
            Assert.Equal("0", _tree.Read("cpuset/own/md/cpuset.mems"));
            Assert.Equal("0-1", _tree.Read(Dir("cpuset") + "/cpuset.cpus"));
            Assert.Equal("0", _tree.Read(Dir("cpuset") + "/cpuset.mems"));
        }

        [Fact]
        public void WritesTheDeviceAllowListAfterDenyingEverything()
        {
            var v1 = new Dictionary<string, (string, string)> { ["memory"] = (_tree.Path_("memory"), "/own"), ["pids"] = (_tree.Path_("pids"), "/own"),
                ["freezer"] = (_tree.Path_("freezer"), "/own"), ["devices"] = (_tree.Path_("devices"), "/own") };
            var driver = new CgroupV1Driver(new CgroupLayout { Mode = CgroupMode.Hybrid, V1 = v1 }, parentOption: "md");
            var cg = driver.Create(Id, new ResourceLimits(), new[] { new DeviceRule('c', 1, 3, "rwm"), new DeviceRule('b', 8, null, "r") });
            Assert.Contains(_tree.Path_(Dir("devices")), cg.Directories);
            Assert.Equal("a", _tree.Read(Dir("devices") + "/devices.deny"));
            Assert.Equal("b 8:* r", _tree.Read(Dir("devices") + "/devices.allow")); // the fake file keeps the last of the one-rule writes
        }

        [Fact]
        public void RefusesADeviceAllowListWithoutTheDevicesHierarchy()
        {
            var e = Assert.Throws<MiniDockerException>(() => _driver.Create(Id, new ResourceLimits(), DevicePolicy.Defaults));
            Assert.Equal("CgroupControllerMissing", e.ErrorId);
            Assert.False(Directory.Exists(_tree.Path_(Dir("memory"))));
        }

        [Fact]
        public void DeviceProgramAllowsPerRuleAndDeniesAtTheEnd()
        {
            // c 1:3 rwm: type, major, minor checks, then r0 = 1; exit. The end: r0 = 0; exit.
            var p = DeviceFilter.Program(new[] { new DeviceRule('c', 1, 3, "rwm") });
            Assert.Equal(6 + 5 + 2, p.Length);
            Assert.Equal(0x55UL | 2 << 8 | 4UL << 16 | 2UL << 32, p[6]);   // if (type != CHAR) skip the 4 after it
            Assert.Equal(0x55UL | 4 << 8 | 3UL << 16 | 1UL << 32, p[7]);   // if (major != 1) skip 3
            Assert.Equal(0x55UL | 5 << 8 | 2UL << 16 | 3UL << 32, p[8]);   // if (minor != 3) skip 2
            Assert.Equal(0xb7UL | 1UL << 32, p[9]);
            Assert.Equal(0x95UL, p[10]);
            Assert.Equal(0xb7UL, p[11]);
            // r only: the access check masks out what the rule does not allow (w|m = 5) and skips when anything is left.
            var r = DeviceFilter.Program(new[] { new DeviceRule('b', 7, null, "r") });
            Assert.Equal(0x54UL | 1 << 8 | 5UL << 32, r[8]);
        }

        [Fact]
        public void ExplainsAMissingHierarchy()
        {
            var e = Assert.Throws<MiniDockerException>(() => new CgroupV1Driver(new CgroupLayout { Mode = CgroupMode.Legacy }, null));
            Assert.Equal("CgroupControllerMissing", e.ErrorId);
        }
    }
}
