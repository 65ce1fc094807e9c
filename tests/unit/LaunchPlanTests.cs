using System.Collections.Generic;
using System.Linq;
using System.Text;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class LaunchPlanTests
    {
        private static string[] Strings(LaunchPlan plan)
        {
            byte[] bytes = plan.Encode();
            Assert.Equal(0, bytes[^1]); // every string, the last one too, is NUL-terminated
            return Encoding.UTF8.GetString(bytes, 0, bytes.Length - 1).Split('\0');
        }

        [Fact]
        public void Encodes_version_first_then_directives_with_their_arguments_in_order()
        {
            var plan = new LaunchPlan().Hostname("box").Mount("proc", "rootfs/proc", "proc", LaunchPlan.MS_NOSUID | LaunchPlan.MS_NODEV, "").Arg("sh");
            Assert.Equal(new[] { "version", "1", "hostname", "box", "mount", "proc", "rootfs/proc", "proc", "6", "", "arg", "sh" }, Strings(plan));
        }

        [Fact]
        public void Keeps_spaces_and_non_ascii_text_as_utf8()
        {
            var plan = new LaunchPlan().Env("GREETING", "grüß dich").Arg("echo hi");
            byte[] bytes = plan.Encode();
            Assert.Contains("GREETING=grüß dich", Strings(plan));
            Assert.Contains("echo hi", Strings(plan));
            Assert.Equal(Encoding.UTF8.GetByteCount("version\01\0env\0GREETING=grüß dich\0arg\0echo hi\0"), bytes.Length);
        }

        [Fact]
        public void Char_devices_carry_the_type_bits_and_decimal_major_minor()
        {
            var d = new LaunchPlan().CharDevice("rootfs/dev/null", 1, 3).Directives.Last();
            Assert.Equal(new[] { "mknod", "rootfs/dev/null", "20666", "1", "3" }, d);
        }

        private static Container Sample(bool init = false, Dictionary<string, string>? env = null) => new()
        {
            Id = new string('a', 64),
            Hostname = "h1",
            Command = new[] { "sh", "-c", "echo $PATH" },
            WorkingDirectory = "/tmp",
            Init = init,
            Environment = env ?? new Dictionary<string, string>(),
        };

        [Fact]
        public void Container_plan_joins_cgroups_before_mounting_and_pivots_before_the_command()
        {
            var plan = ContainerPlan.Build(Sample(init: true), "/state/c", new[] { "/cg/memory/x/cgroup.procs", "/cg/pids/x/cgroup.procs" }, "/state/c/container.log", "/state/c/exit");
            var names = plan.Directives.Select(d => d[0]).ToList();
            Assert.Equal("version", names[0]);
            Assert.Equal(2, names.Count(n => n == "cgroup"));
            Assert.True(names.IndexOf("cgroup") < names.IndexOf("mount"));
            Assert.True(names.IndexOf("mount") < names.IndexOf("pivot"));
            Assert.True(names.IndexOf("pivot") < names.IndexOf("init"));
            Assert.True(names.LastIndexOf("env") < names.IndexOf("arg"));
            Assert.Equal(new[] { "sh", "-c", "echo $PATH" }, plan.Directives.Where(d => d[0] == "arg").Select(d => d[1]));
            Assert.Equal(new[] { "cwd", "/tmp" }, plan.Directives.Single(d => d[0] == "cwd"));
            // The overlay is nodev (device nodes made inside open nothing) and its options are relative: no host path inside.
            Assert.Equal(new[] { "mount", "overlay", "rootfs", "overlay", LaunchPlan.MS_NODEV.ToString(), "lowerdir=l0,upperdir=upper,workdir=work" }, plan.Directives.First(d => d[0] == "mount"));
        }

        [Fact]
        public void Image_layers_are_stacked_top_first_under_short_relative_names()
        {
            var c = Sample(init: false);
            c.Layers = new List<string> { "/store/layers/aaa", "/store/layers/bbb", "/store/layers/ccc" };
            var plan = ContainerPlan.Build(c, "/state/c", System.Array.Empty<string>(), "/state/c/container.log", "/state/c/exit");
            Assert.Equal("lowerdir=l2:l1:l0,upperdir=upper,workdir=work", plan.Directives.First(d => d[0] == "mount")[5]);
        }

        [Fact]
        public void Only_an_auto_remove_container_gets_a_volatile_overlay()
        {
            // Its layer is deleted when it stops: no sync of the upper filesystem at exit. Any other container keeps it.
            var kept = Sample();
            var removed = Sample();
            removed.AutoRemove = true;
            string Overlay(Container c) => ContainerPlan.Build(c, "/state/c", System.Array.Empty<string>(), "/state/c/container.log", "/state/c/exit").Directives.First(d => d[0] == "mount")[5];
            Assert.Equal("lowerdir=l0,upperdir=upper,workdir=work", Overlay(kept));
            Assert.Equal(System.Environment.OSVersion.Version >= new System.Version(5, 10) ? "lowerdir=l0,upperdir=upper,workdir=work,volatile" : "lowerdir=l0,upperdir=upper,workdir=work", Overlay(removed));
        }

        [Fact]
        public void Volumes_bind_before_pivot_and_read_only_ones_are_remounted()
        {
            var mounts = new List<ContainerMount>
            {
                new() { Type = "bind", Source = "/host/data", Target = "/data", ReadOnly = true },
                new() { Type = "tmpfs", Target = "/scratch" },
            };
            var plan = ContainerPlan.Build(Sample(init: false), "/state/c", System.Array.Empty<string>(), "/state/c/container.log", "/state/c/exit", mounts);
            var d = plan.Directives.ToList();
            int bind = d.FindIndex(x => x[0] == "mount" && x[2] == "rootfs/data" && x[1] == "/host/data");
            Assert.True(bind > 0);
            Assert.Equal((LaunchPlan.MS_BIND | LaunchPlan.MS_REC).ToString(), d[bind][4]);
            Assert.Equal((LaunchPlan.MS_BIND | LaunchPlan.MS_REMOUNT | LaunchPlan.MS_RDONLY | LaunchPlan.MS_NOSUID).ToString(), d[bind + 1][4]);
            int tmpfs = d.FindIndex(x => x[0] == "mount" && x[2] == "rootfs/scratch");
            Assert.Equal("tmpfs", d[tmpfs][3]);
            Assert.True(tmpfs < d.FindIndex(x => x[0] == "pivot"));
        }

        [Fact]
        public void Volumes_are_nosuid_unless_asked()
        {
            var mounts = new List<ContainerMount>
            {
                new() { Type = "bind", Source = "/host/a", Target = "/a" },
                new() { Type = "bind", Source = "/host/b", Target = "/b", Suid = true },
            };
            var d = ContainerPlan.Build(Sample(init: false), "/state/c", System.Array.Empty<string>(), "/l", "/e", mounts).Directives.ToList();
            int a = d.FindIndex(x => x[0] == "mount" && x[1] == "/host/a");
            Assert.Equal((LaunchPlan.MS_BIND | LaunchPlan.MS_REMOUNT | LaunchPlan.MS_NOSUID).ToString(), d[a + 1][4]);
            Assert.Equal("rootfs/a", d[a + 1][2]);
            Assert.Single(d, x => x[0] == "mount" && x[2] == "rootfs/b"); // the bind, no remount
        }

        [Fact]
        public void Devices_are_made_and_bound_in_dev_before_it_turns_nodev()
        {
            var c = Sample(init: false);
            c.Devices = new List<ContainerDevice>
            {
                new() { HostPath = "/dev/sdb", Path = "/dev/xvdb", Type = 'b', Major = 8, Minor = 16, FileMode = 0x1b0 /* 0660 */, Permissions = "r" },
                new() { HostPath = "/dev/null", Path = "/dev/null", Type = 'c', Major = 1, Minor = 3, FileMode = 0x1b6, Permissions = "rw" },
            };
            var d = ContainerPlan.Build(c, "/state/c", System.Array.Empty<string>(), "/l", "/e").Directives.ToList();
            int node = d.FindIndex(x => x[0] == "mknod" && x[1] == "rootfs/dev/xvdb");
            Assert.Equal(new[] { "mknod", "rootfs/dev/xvdb", "60660", "8", "16" }, d[node]);
            Assert.Equal(new[] { "mount", "rootfs/dev/xvdb", "rootfs/dev/xvdb", "", LaunchPlan.MS_BIND.ToString(), "" }, d[node + 1]);
            Assert.True(node < d.FindIndex(x => x[0] == "mount" && x[2] == "rootfs/dev" && x[4] != "0" && (ulong.Parse(x[4]) & LaunchPlan.MS_REMOUNT) != 0));
            Assert.Single(d, x => x[0] == "mknod" && x[1] == "rootfs/dev/null"); // the -Device replaces the default one
        }

        [Fact]
        public void Container_plan_has_no_init_directive_without_Init()
        {
            var plan = ContainerPlan.Build(Sample(), "/state/c", new string[0], "/l", "/e");
            Assert.DoesNotContain(plan.Directives, d => d[0] == "init");
        }

        [Fact]
        public void Environment_has_docker_defaults_and_the_user_overrides_them()
        {
            var env = ContainerPlan.EffectiveEnvironment(Sample(env: new() { ["PATH"] = "/opt/bin", ["A"] = "1" }));
            Assert.Equal("/opt/bin", env["PATH"]);
            Assert.Equal("h1", env["HOSTNAME"]);
            Assert.Equal("/root", env["HOME"]);
            Assert.Equal("1", env["A"]);
        }
    }
}
