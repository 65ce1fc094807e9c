using System.Collections.Generic;
using static MiniDocker.Engine.LaunchPlan;

namespace MiniDocker.Engine
{
    /// <summary>The policy: what a container's launch plan contains (mounts, devices, environment).</summary>
    public static class ContainerPlan
    {
        public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

        /// <summary>Docker's default device set: (name, major, minor).</summary>
        private static readonly (string Name, int Major, int Minor)[] Devices =
        {
            ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
        };

        /// <summary>
        /// Builds the plan. CONTAINERDIR holds lower (symlink to the rootfs folder), upper, work and the
        /// rootfs mount point; the helper chdirs there so the overlay's options name no host path.
        /// </summary>
        public static LaunchPlan Build(Container c, string containerDir, IEnumerable<string> cgroupProcsFiles, string logPath, string exitPath)
        {
            var plan = new LaunchPlan().Hostname(c.Hostname);
            foreach (var f in cgroupProcsFiles) plan.Cgroup(f);
            plan.Log(logPath).ExitFile(exitPath)
                .Chdir(containerDir)
                .Mount("overlay", "rootfs", "overlay", 0, "lowerdir=lower,upperdir=upper,workdir=work")
                .Mount("proc", "rootfs/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "")
                .Mount("tmpfs", "rootfs/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
            foreach (var (name, major, minor) in Devices) plan.CharDevice("rootfs/dev/" + name, major, minor);
            plan.Mount("devpts", "rootfs/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
                .Symlink("pts/ptmx", "rootfs/dev/ptmx")
                .Mount("shm", "rootfs/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k")
                .Symlink("/proc/self/fd", "rootfs/dev/fd")
                .Symlink("/proc/self/fd/0", "rootfs/dev/stdin")
                .Symlink("/proc/self/fd/1", "rootfs/dev/stdout")
                .Symlink("/proc/self/fd/2", "rootfs/dev/stderr")
                .Mount("sysfs", "rootfs/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "")
                .Pivot("rootfs")
                .Loopback();
            foreach (var kv in EffectiveEnvironment(c)) plan.Env(kv.Key, kv.Value);
            plan.Cwd(c.WorkingDirectory);
            if (c.Init) plan.Init();
            foreach (var a in c.Command) plan.Arg(a);
            return plan;
        }

        /// <summary>Docker's defaults (PATH, HOSTNAME, HOME) under the user's variables.</summary>
        public static IReadOnlyDictionary<string, string> EffectiveEnvironment(Container c)
        {
            var env = new SortedDictionary<string, string>
            {
                ["PATH"] = DefaultPath,
                ["HOSTNAME"] = c.Hostname,
                ["HOME"] = "/root",
            };
            foreach (var kv in c.Environment) env[kv.Key] = kv.Value;
            return env;
        }
    }
}
