using System.Collections.Generic;
using System.Linq;
using static MiniDocker.Engine.Launch.LaunchPlan;

namespace MiniDocker.Engine.Launch
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

        /// <summary>Docker's masked paths: kernel state a container has no business reading (a /dev/null or empty read-only tmpfs over them).</summary>
        public static readonly string[] MaskedPaths =
        {
            "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
            "/sys/devices/virtual/powercap",
        };

        /// <summary>Docker's read-only paths: kernel knobs under /proc that would change the host.</summary>
        public static readonly string[] ReadOnlyPaths = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger" };

        /// <summary>The symlink in the container dir for lower dir I (0 = bottom).</summary>
        public static string LowerName(int i) => "l" + i;

        /// <summary>
        /// Builds the plan. CONTAINERDIR holds l0, l1, ... (symlinks to the rootfs folder or the image's
        /// layers, bottom first), upper, work and the rootfs mount point; the helper chdirs there so the
        /// overlay's options name no host path. MOUNTS are the volumes and tmpfs with targets already
        /// resolved inside the rootfs (no symlink in them).
        /// </summary>
        public static LaunchPlan Build(Container c, string containerDir, IEnumerable<string> cgroupProcsFiles, string logPath, string exitPath,
            IReadOnlyList<ContainerMount>? mounts = null, Networking.NetworkAttachment? network = null, Rootless.IdMapping? userns = null,
            Rootless.FuseOverlayMount? fuse = null)
        {
            var s = c.Security;
            int lowers = System.Math.Max(1, c.Layers.Count);
            string lowerdir = string.Join(":", Enumerable.Range(0, lowers).Reverse().Select(LowerName));
            var plan = new LaunchPlan().Hostname(c.Hostname);
            if (userns != null) plan.UserNamespace(userns.UidMap, userns.GidMap, userns.NewUidMap, userns.NewGidMap);
            string overlay = $"lowerdir={lowerdir},upperdir=upper,workdir=work";
            // In a user namespace trusted.overlay.* cannot be set: without userxattr the kernel fails rmdir or mkdir over a lower directory with EIO.
            string kernelOverlay = userns != null ? overlay + ",userxattr" : overlay;
            // Mounted by the monitor's FUSE daemon before the init runs a step (the daemon stays out of the container's PID namespace).
            if (fuse != null) plan.FuseOverlay(fuse.Tool, System.IO.Path.GetFullPath(containerDir), "rootfs", overlay, fuse.LogPath);
            foreach (var f in cgroupProcsFiles) plan.Cgroup(f);
            // Device nodes work only where MiniDocker put them: the rootfs and /dev are nodev, each default
            // device is its own bind mount. A node made with CAP_MKNOD elsewhere (a volume is not nodev) meets the
            // device cgroup, which the engine set up before the init joined it.
            plan.Log(logPath).ExitFile(exitPath)
                .Chdir(containerDir);
            if (fuse == null) plan.Mount("overlay", "rootfs", "overlay", MS_NODEV, kernelOverlay + OverlayVolatile.For(c));
            plan.Mount("proc", "rootfs/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "")
                .Mount("tmpfs", "rootfs/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
            foreach (var (name, major, minor) in Devices.Where(d => !c.Devices.Any(x => x.Path == "/dev/" + d.Name)))
                // In a user namespace mknod of a device is refused: the host's node is bound onto an empty file instead.
                if (userns != null) plan.EmptyFile("rootfs/dev/" + name).Mount("/dev/" + name, "rootfs/dev/" + name, "", MS_BIND, "");
                else plan.CharDevice("rootfs/dev/" + name, major, minor).Mount("rootfs/dev/" + name, "rootfs/dev/" + name, "", MS_BIND, "");
            // -Device nodes the same way: made while /dev is not yet nodev, each its own (dev) bind mount; the device cgroup allows them.
            foreach (var d in c.Devices)
                plan.Node("rootfs" + d.Path, d.Type, d.FileMode, d.Major, d.Minor).Mount("rootfs" + d.Path, "rootfs" + d.Path, "", MS_BIND, "");
            plan.Mount("", "rootfs/dev", "", MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_STRICTATIME, "")
                .Mount("devpts", "rootfs/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620")
                .Symlink("pts/ptmx", "rootfs/dev/ptmx")
                .Mount("shm", "rootfs/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k")
                .Symlink("/proc/self/fd", "rootfs/dev/fd")
                .Symlink("/proc/self/fd/0", "rootfs/dev/stdin")
                .Symlink("/proc/self/fd/1", "rootfs/dev/stdout")
                .Symlink("/proc/self/fd/2", "rootfs/dev/stderr")
                .Mount("sysfs", "rootfs/sys", "sysfs", (s.Privileged ? 0 : MS_RDONLY) | MS_NOSUID | MS_NODEV | MS_NOEXEC, "");
            // Volume and tmpfs targets: resolved inside the rootfs by the engine (from the layers) and again by the helper (RESOLVE_IN_ROOT).
            if (network != null && network.Mode != Networking.NetworkAttachment.None) network.AddMounts(plan);
            foreach (var m in mounts ?? System.Array.Empty<ContainerMount>())
            {
                string target = "rootfs" + m.Target;
                if (m.Type == "tmpfs")
                    plan.Mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777");
                else
                {
                    // nosuid unless asked: a setuid file a host user (or another container) put there must not elevate in here.
                    plan.Mount(m.Source, target, "", MS_BIND | MS_REC, "");
                    ulong flags = (m.ReadOnly ? MS_RDONLY : 0) | (m.Suid ? 0 : MS_NOSUID);
                    if (flags != 0) plan.Mount("", target, "", MS_BIND | MS_REMOUNT | flags, "");
                }
            }
            plan.Pivot("rootfs");
            if (!s.Privileged)
            {
                foreach (var p in MaskedPaths) plan.Mask(p);
                foreach (var p in ReadOnlyPaths) plan.ReadOnly(p);
            }
            // Only the root mount turns read-only: /dev, /dev/shm, /proc stay as they are (Docker's --read-only).
            if (s.ReadOnlyRootFs) plan.Mount("", "/", "", MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NODEV, "");
            if (network != null) network.AddInterfaces(plan);
            else plan.Loopback();
            AddProcessSecurity(plan, s);
            foreach (var kv in EffectiveEnvironment(c)) plan.Env(kv.Key, kv.Value);
            plan.Cwd(c.WorkingDirectory);
            if (c.Init) plan.Init();
            foreach (var a in c.Command) plan.Arg(a);
            return plan;
        }

        /// <summary>
        /// rlimits, user, no_new_privs, capabilities, seccomp: the same for the init and every process exec'd
        /// later. Like Docker, a non-root user keeps the capabilities only in its bounding set.
        /// </summary>
        public static void AddProcessSecurity(LaunchPlan plan, SecuritySettings s)
        {
            foreach (var u in SecurityPolicy.EffectiveUlimits(s)) plan.Rlimit(SecurityPolicy.RlimitResources[u.Name], u.Soft, u.Hard);
            if (s.User != null) plan.User(s.Uid, s.Gid, s.Groups);
            if (s.NoNewPrivileges) plan.NoNewPrivileges();
            ulong effective = s.Uid == 0 ? s.Capabilities : 0;
            plan.Capabilities(effective, effective, s.Capabilities);
            if (SecurityPolicy.SeccompFor(s) is SeccompProfile profile)
            {
                plan.Seccomp(profile.DefaultAction);
                foreach (var r in profile.Rules) plan.Syscall(r.Syscall, r.Action, r.Conditions);
            }
        }

        /// <summary>
        /// The exec plan for SPEC in the running container C, whose init is PID with START (field 22 of
        /// /proc/PID/stat): the helper refuses a recycled PID. Security: the init's (SECURITY, maybe with another
        /// user). Environment: the container's, then SPEC's.
        /// </summary>
        public static LaunchPlan BuildExec(Container c, ExecSpec spec, SecuritySettings security, int pid, ulong start, IEnumerable<string> cgroupProcsFiles, string errorPath)
        {
            var plan = new LaunchPlan().Target(pid, start).ErrorFile(errorPath);
            foreach (var f in cgroupProcsFiles) plan.Cgroup(f);
            var env = new SortedDictionary<string, string>(EffectiveEnvironment(c).ToDictionary(kv => kv.Key, kv => kv.Value));
            if (security.User != c.Security.User) env["HOME"] = security.Home ?? (security.Uid == 0 ? "/root" : "/");
            foreach (var kv in spec.Environment) env[kv.Key] = kv.Value;
            AddProcessSecurity(plan, security);
            foreach (var kv in env) plan.Env(kv.Key, kv.Value);
            plan.Cwd(spec.WorkingDirectory ?? c.WorkingDirectory);
            if (spec.Tty)
            {
                plan.Tty();
                if (!env.ContainsKey("TERM")) plan.Env("TERM", "xterm");
            }
            foreach (var a in spec.Command) plan.Arg(a);
            return plan;
        }

        /// <summary>Docker's defaults (PATH, HOSTNAME, HOME) under the user's variables.</summary>
        public static IReadOnlyDictionary<string, string> EffectiveEnvironment(Container c)
        {
            var env = new SortedDictionary<string, string>
            {
                ["PATH"] = DefaultPath,
                ["HOSTNAME"] = c.Hostname,
                ["HOME"] = c.Security.Home ?? (c.Security.Uid == 0 ? "/root" : "/"),
            };
            foreach (var kv in c.Environment) env[kv.Key] = kv.Value;
            return env;
        }
    }
}
