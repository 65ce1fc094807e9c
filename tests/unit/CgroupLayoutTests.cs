using MiniDocker.Engine;
using MiniDocker.Engine.Cgroups;
using Xunit;

namespace MiniDocker.Tests
{
    public class CgroupLayoutTests
    {
        // This project's machines: cgroup v1 hybrid, one hierarchy per controller, cgroup2 at unified/.
        private const string HybridMountinfo = @"23 1 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";
        private const string HybridSelf = @"9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/ab5fdf5623fb84b474acb03116341888
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
";

        [Fact]
        public void Reads_this_machines_hybrid_layout()
        {
            var l = CgroupLayout.FromV1(HybridSelf, HybridMountinfo);
            Assert.Equal(CgroupMode.Hybrid, l.Mode);
            Assert.Equal("/sys/fs/cgroup/unified", l.UnifiedMount);
            Assert.Equal("/", l.UnifiedOwnPath);
            Assert.Equal(("/sys/fs/cgroup/memory", "/process_api/ab5fdf5623fb84b474acb03116341888"), l.V1["memory"]);
            Assert.Equal(("/sys/fs/cgroup/pids", "/"), l.V1["pids"]);
            Assert.Equal(("/sys/fs/cgroup/freezer", "/"), l.V1["freezer"]);
            foreach (var c in new[] { "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids" }) Assert.True(l.V1.ContainsKey(c), c);
        }

        [Fact]
        public void Co_mounted_controllers_share_one_hierarchy_and_no_cgroup2_means_legacy()
        {
            const string mountinfo = @"31 23 0:28 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755
34 31 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory
";
            const string self = "5:cpu,cpuacct:/user.slice\n4:memory:/user.slice/session-1.scope\n0::/user.slice\n";
            var l = CgroupLayout.FromV1(self, mountinfo);
            Assert.Equal(CgroupMode.Legacy, l.Mode);
            Assert.Null(l.UnifiedMount);
            Assert.Equal(("/sys/fs/cgroup/cpu,cpuacct", "/user.slice"), l.V1["cpu"]);
            Assert.Equal(("/sys/fs/cgroup/cpu,cpuacct", "/user.slice"), l.V1["cpuacct"]);
            Assert.Equal(("/sys/fs/cgroup/memory", "/user.slice/session-1.scope"), l.V1["memory"]);
        }

        [Fact]
        public void Ignores_cgroup_mounts_outside_the_root()
        {
            const string mountinfo = "90 1 0:50 / /mnt/other/memory rw - cgroup cgroup rw,memory\n91 1 0:51 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n";
            var l = CgroupLayout.FromV1("4:memory:/a\n3:pids:/b\n", mountinfo);
            Assert.False(l.V1.ContainsKey("memory"));
            Assert.Equal(("/sys/fs/cgroup/pids", "/b"), l.V1["pids"]);
        }

        [Fact]
        public void A_tmpfs_without_hierarchies_is_CgroupsNotMounted()
        {
            var e = Assert.Throws<MiniDockerException>(() => CgroupLayout.FromV1("0::/\n", "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"));
            Assert.Equal("CgroupsNotMounted", e.ErrorId);
            Assert.Equal(FailureKind.NotInstalled, e.Kind);
            Assert.Equal("/sys/fs/cgroup", e.Target);
        }

        [Theory]
        [InlineData("0::/user.slice/user-0.slice/session-3.scope\n", "/user.slice/user-0.slice/session-3.scope")]
        [InlineData("0::/wsl-user/distro-2\n", "/wsl-user/distro-2")]
        [InlineData("4:memory:/x\n", "/")]
        public void Reads_the_own_unified_path(string self, string expected) => Assert.Equal(expected, CgroupLayout.ParseUnifiedPath(self));
    }
}
