using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace MiniDocker.Engine.Launch
{
    /// <summary>
    /// The ordered list of steps mdhelper carries out for one container (docs/launch-plan.md):
    /// NUL-terminated strings, each directive followed by its arguments.
    /// </summary>
    public sealed class LaunchPlan
    {
        // Linux mount flags (include/uapi/linux/mount.h).
        public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_BIND = 4096, MS_REC = 16384, MS_STRICTATIME = 1 << 24;

        private readonly List<string[]> _directives = new() { new[] { "version", "1" } };

        public IReadOnlyList<string[]> Directives => _directives;

        private LaunchPlan Add(params string[] d) { _directives.Add(d); return this; }

        public LaunchPlan Hostname(string name) => Add("hostname", name);
        public LaunchPlan Cgroup(string procsFile) => Add("cgroup", procsFile);
        public LaunchPlan Log(string path) => Add("log", path);
        public LaunchPlan ExitFile(string path) => Add("exitfile", path);
        public LaunchPlan Chdir(string path) => Add("chdir", path);
        public LaunchPlan Mount(string source, string target, string fstype, ulong flags, string data) =>
            Add("mount", source, target, fstype, flags.ToString(CultureInfo.InvariantCulture), data);
        public LaunchPlan Mkdir(string path, string octalMode) => Add("mkdir", path, octalMode);
        public LaunchPlan CharDevice(string path, int major, int minor) => Add("mknod", path, "20666", major.ToString(CultureInfo.InvariantCulture), minor.ToString(CultureInfo.InvariantCulture));
        /// <summary>A 'c' or 'b' node with permission bits MODE.</summary>
        public LaunchPlan Node(string path, char type, int mode, long major, long minor) =>
            Add("mknod", path, Convert.ToString((type == 'b' ? 0x6000 : 0x2000) | (mode & 0xfff), 8),
                major.ToString(CultureInfo.InvariantCulture), minor.ToString(CultureInfo.InvariantCulture));
        /// <summary>An empty regular file (mknod with S_IFREG, which needs no privilege): a bind mount target.</summary>
        public LaunchPlan EmptyFile(string path) => Add("mknod", path, "100644", "0", "0");
        public LaunchPlan Symlink(string target, string path) => Add("symlink", target, path);
        public LaunchPlan Pivot(string newRoot) => Add("pivot", newRoot);
        public LaunchPlan ReadOnly(string path) => Add("readonly", path);
        public LaunchPlan Mask(string path) => Add("mask", path);
        public LaunchPlan Loopback() => Add("loopback");
        public LaunchPlan Env(string key, string value) => Add("env", key + "=" + value);
        public LaunchPlan Cwd(string dir) => Add("cwd", dir);
        public LaunchPlan Arg(string arg) => Add("arg", arg);
        public LaunchPlan Init() => Add("init");
        public LaunchPlan Rlimit(int resource, ulong soft, ulong hard) => Add("rlimit", resource.ToString(CultureInfo.InvariantCulture), soft.ToString(CultureInfo.InvariantCulture), hard.ToString(CultureInfo.InvariantCulture));
        public LaunchPlan User(uint uid, uint gid, IEnumerable<uint> groups) => Add("user", uid.ToString(CultureInfo.InvariantCulture), gid.ToString(CultureInfo.InvariantCulture), string.Join(",", groups));
        public LaunchPlan NoNewPrivileges() => Add("nnp");
        public LaunchPlan Capabilities(ulong effective, ulong permitted, ulong bounding) =>
            Add("caps", effective.ToString("x", CultureInfo.InvariantCulture), permitted.ToString("x", CultureInfo.InvariantCulture), bounding.ToString("x", CultureInfo.InvariantCulture));
        public LaunchPlan Seccomp(string defaultAction) => Add("seccomp", defaultAction);
        public LaunchPlan Syscall(string name, string action, string conditions) => Add("syscall", name, action, conditions);
        public LaunchPlan SeccompCache(string path) => Add("seccompcache", path);
        public LaunchPlan LogMax(long bytes) => Add("logmax", bytes.ToString(CultureInfo.InvariantCulture));
        public LaunchPlan Attach(string socketPath) => Add("attach", socketPath);
        public LaunchPlan AttachHold(int milliseconds) => Add("attachhold", milliseconds.ToString(CultureInfo.InvariantCulture));
        public LaunchPlan Target(int pid, ulong startTime) => Add("target", pid.ToString(CultureInfo.InvariantCulture), startTime.ToString(CultureInfo.InvariantCulture));
        public LaunchPlan Tty() => Add("tty");
        public LaunchPlan ErrorFile(string path) => Add("errorfile", path);
        public LaunchPlan Bridge(string name, string gatewayCidr) => Add("bridge", name, gatewayCidr);
        public LaunchPlan Veth(string hostName, string bridge) => Add("veth", hostName, bridge);
        public LaunchPlan Publish(string protocol, string hostIp, int port) => Add("publish", protocol, hostIp, port.ToString(CultureInfo.InvariantCulture));
        public LaunchPlan IpAddr(string ifname, string cidr) => Add("ipaddr", ifname, cidr);
        public LaunchPlan Route(string gateway) => Add("route", gateway);
        public LaunchPlan HostNet() => Add("hostnet");
        /// <summary>Rootless: the monitor runs PASTA OPTIONS... --pid PIDFILE INIT-PID before releasing the init (OPTIONS space-separated), and kills it when the init is gone.</summary>
        public LaunchPlan Pasta(string pasta, string pidFile, string options) => Add("pasta", pasta, pidFile, options);
        /// <summary>Rootless: the monitor mounts the rootfs at DIR/TARGET with TOOL -f -o OPTIONS (fuse-overlayfs) in the init's user and mount namespaces before releasing it; its messages go to LOG.</summary>
        public LaunchPlan FuseOverlay(string tool, string dir, string target, string options, string log) => Add("fuseoverlay", tool, dir, target, options, log);
        /// <summary>Rootless, without pasta: the monitor runs SLIRP OPTIONS... (ready, exit and API fds/socket added) INIT-PID IFNAME in PIDFILE's directory, writes its pid to PIDFILE, and kills it when the init is gone.</summary>
        public LaunchPlan Slirp4netns(string slirp, string pidFile, string ifname, string options) => Add("slirp4netns", slirp, pidFile, ifname, options);
        /// <summary>With slirp4netns: one published port, added through its API socket before the init is released.</summary>
        public LaunchPlan HostFwd(string protocol, string hostIp, int hostPort, string guestIp, int guestPort) =>
            Add("hostfwd", protocol, hostIp, hostPort.ToString(CultureInfo.InvariantCulture), guestIp, guestPort.ToString(CultureInfo.InvariantCulture));
        /// <summary>Rootless: a user namespace; UIDMAP/GIDMAP are newuidmap's words ("0 1000 1 1 100000 65536"), written through the tools or, when they are empty, directly (one line).</summary>
        public LaunchPlan UserNamespace(string uidMap, string gidMap, string newUidMap, string newGidMap) => Add("userns", uidMap, gidMap, newUidMap, newGidMap);

        public byte[] Encode()
        {
            var ms = new MemoryStream();
            foreach (var d in _directives)
                foreach (var s in d)
                {
                    byte[] b = Encoding.UTF8.GetBytes(s);
                    ms.Write(b, 0, b.Length);
                    ms.WriteByte(0);
                }
            return ms.ToArray();
        }
    }
}
