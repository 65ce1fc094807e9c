using System.Collections.Generic;
using System.Linq;
using MiniDocker.Engine;
using MiniDocker.Engine.Rootless;
using Xunit;

namespace MiniDocker.Tests
{
    public class RootlessTests
    {
        [Fact]
        public void Subordinate_range_is_found_by_name_or_uid_and_malformed_lines_are_skipped()
        {
            using var tmp = new TempDirectory();
            string file = tmp.File("subuid", "# comment\nalice:x:65536\nalice:100000:65536\nbob:200000:1000\n1003:300000:65536\n");
            Assert.Equal(new SubordinateRange(100000, 65536), SubordinateRange.For(file, "alice", 1001));
            Assert.Equal(new SubordinateRange(300000, 65536), SubordinateRange.For(file, "carol", 1003));
            Assert.Null(SubordinateRange.For(file, "dave", 1004));
            Assert.Null(SubordinateRange.For(tmp.Path + "/missing", "alice", 1001));
            Assert.Equal("100000:65536", SubordinateRange.For(file, "alice", 1001)!.ToString());
        }

        [Fact]
        public void Id_mapping_is_user_then_range_with_the_tools_and_a_single_line_with_a_warning_without_a_range()
        {
            using var tmp = new TempDirectory();
            string who = SubordinateRange.UserName(RootlessMode.Uid) ?? RootlessMode.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string ranges = tmp.File("subuid", $"{who}:100000:65536\n");
            string empty = tmp.File("empty", "");
            var single = IdMapping.ForCurrentUser(empty, empty);
            Assert.True(single.IsSingle);
            Assert.Equal($"0 {RootlessMode.Uid} 1", single.UidMap);
            Assert.Contains("no range in", single.Warning);
            var full = IdMapping.ForCurrentUser(ranges, ranges);
            if (IdMapping.FindTool("newuidmap") == null) { Assert.True(full.IsSingle); return; }
            Assert.False(full.IsSingle);
            Assert.Equal($"0 {RootlessMode.Uid} 1 1 100000 65536", full.UidMap);
            Assert.Equal($"0 {RootlessMode.Gid} 1 1 100000 65536", full.GidMap);
            Assert.Null(full.Warning);
        }

        [Fact]
        public void Rootless_plan_has_the_userns_directive_and_binds_host_device_nodes_instead_of_mknod()
        {
            var c = new Container { Id = new string('b', 64), Hostname = "h", Command = new[] { "sh" }, WorkingDirectory = "/", Environment = new Dictionary<string, string>() };
            var ids = new IdMapping { UidMap = "0 1000 1 1 100000 65536", GidMap = "0 1000 1 1 100000 65536", NewUidMap = "/usr/bin/newuidmap", NewGidMap = "/usr/bin/newgidmap" };
            var plan = ContainerPlan.Build(c, "/state/c", System.Array.Empty<string>(), "/state/c/log", "/state/c/exit", userns: ids);
            Assert.Contains(new[] { "userns", ids.UidMap, ids.GidMap, "/usr/bin/newuidmap", "/usr/bin/newgidmap" }, plan.Directives);
            Assert.DoesNotContain(plan.Directives, d => d[0] == "mknod" && d[2].StartsWith('2'));
            Assert.Contains(new[] { "mknod", "rootfs/dev/null", "100644", "0", "0" }, plan.Directives);
            Assert.Contains(new[] { "mount", "/dev/null", "rootfs/dev/null", "", LaunchPlan.MS_BIND.ToString(System.Globalization.CultureInfo.InvariantCulture), "" }, plan.Directives);
            var rootful = ContainerPlan.Build(c, "/state/c", System.Array.Empty<string>(), "/state/c/log", "/state/c/exit");
            Assert.DoesNotContain(rootful.Directives, d => d[0] == "userns");
        }

        [Fact]
        public void On_fuse_overlayfs_the_monitor_mounts_the_rootfs_and_the_plan_has_no_overlay_mount()
        {
            var c = new Container { Id = new string('b', 64), Hostname = "h", Command = new[] { "sh" }, WorkingDirectory = "/", Environment = new Dictionary<string, string>(),
                Layers = new List<string> { "/layers/a", "/layers/b" } };
            var ids = new IdMapping { UidMap = "0 1000 1", GidMap = "0 1000 1" };
            var plan = ContainerPlan.Build(c, "/state/c", System.Array.Empty<string>(), "/state/c/log", "/state/c/exit", userns: ids,
                fuse: new FuseOverlayMount("/usr/bin/fuse-overlayfs", "/run/c/fuse-overlayfs.log"));
            Assert.Contains(new[] { "fuseoverlay", "/usr/bin/fuse-overlayfs", "/state/c", "rootfs", "lowerdir=l1:l0,upperdir=upper,workdir=work", "/run/c/fuse-overlayfs.log" }, plan.Directives);
            Assert.DoesNotContain(plan.Directives, d => d[0] == "mount" && d[3] == "overlay");
            Assert.Equal("rootfs/proc", plan.Directives.First(d => d[0] == "mount")[2]);
            var native = ContainerPlan.Build(c, "/state/c", System.Array.Empty<string>(), "/state/c/log", "/state/c/exit", userns: ids);
            Assert.DoesNotContain(native.Directives, d => d[0] == "fuseoverlay");
            // userxattr: the user.overlay.* namespace, the one a user namespace may write (and the extractor writes rootless).
            Assert.Contains(new[] { "mount", "overlay", "rootfs", "overlay", "4", "lowerdir=l1:l0,upperdir=upper,workdir=work,userxattr" }, native.Directives);
        }

        [Theory]
        [InlineData("mount", 1, "rootfs/proc")]   // another mount failed: not the overlay
        [InlineData("mount", 2, "rootfs")]        // ENOENT: a missing directory, not a refusal
        [InlineData("exec", 1, "rootfs")]
        public void Only_the_kernel_refusing_the_rootfs_overlay_falls_back(string step, int errno, string argument)
        {
            var c = new Container { Id = new string('c', 64), Name = "fb" };
            var r = new HelperReport { Step = step, Errno = errno, Argument = argument };
            Assert.Null(RootlessOverlay.Fallback(r, c, "/run/c"));
        }

        [Fact]
        public void Without_delegation_the_default_pids_limit_is_dropped_and_any_set_limit_refused_naming_Delegate()
        {
            var driver = new Engine.Cgroups.NoCgroupDriver(Engine.Cgroups.CgroupMode.Hybrid, "cgroup v1");
            Assert.Empty(driver.Create("x", new ResourceLimits()).Directories);
            var e = Assert.Throws<MiniDockerException>(() => driver.Create("x", new ResourceLimits { MemoryBytes = 64 << 20 }));
            Assert.Equal("RootlessCgroupUnavailable", e.ErrorId);
            Assert.Contains("Delegate=", e.Message);
            Assert.Equal("RootlessCgroupUnavailable", Assert.Throws<MiniDockerException>(() => driver.Freeze(driver.Locate("x"))).ErrorId);
        }
    }
}
