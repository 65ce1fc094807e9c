using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Security
{
    /// <summary>Linux capabilities by name, Docker's default set, and -CapAdd/-CapDrop/-Privileged as one bit mask.</summary>
    public static class Capabilities
    {
        /// <summary>Capability names in bit order (include/uapi/linux/capability.h), without the CAP_ prefix.</summary>
        public static readonly string[] Names =
        {
            "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
            "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
            "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
            "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
            "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
            "CHECKPOINT_RESTORE",
        };

        /// <summary>Docker's 14 default capabilities: CapEff 00000000a80425fb.</summary>
        public static readonly string[] DockerDefault =
        {
            "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
            "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
        };

        public static ulong DefaultMask => Mask(DockerDefault);

        public static bool Has(ulong mask, string name) => (mask & Bit(name)) != 0;

        /// <summary>Every capability this host can hand out: the engine's own bounding set (the helper cannot grant more).</summary>
        public static ulong HostMask()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("CapBnd:", StringComparison.Ordinal))
                    return Convert.ToUInt64(line.Substring(7).Trim(), 16);
            return Mask(Names);
        }

        /// <summary>"NET_ADMIN", "cap_net_admin" → "NET_ADMIN"; "ALL" stays "ALL"; unknown → a CapabilityNotFound error.</summary>
        public static string Normalize(string name)
        {
            string n = name.Trim().ToUpperInvariant();
            if (n.StartsWith("CAP_", StringComparison.Ordinal)) n = n.Substring(4);
            if (n == "ALL" || Array.IndexOf(Names, n) >= 0) return n;
            throw new MiniDockerException("CapabilityNotFound", FailureKind.InvalidArgument,
                $"Unknown capability '{name}'. Use a name such as NET_ADMIN or CAP_NET_ADMIN (see capabilities(7)), or ALL.", name);
        }

        /// <summary>
        /// Docker's rules: start from the defaults (all with -Privileged or -CapAdd ALL, none with -CapDrop ALL),
        /// remove the drops, then add the adds. Every requested capability must exist on this host.
        /// </summary>
        public static ulong Resolve(IEnumerable<string> add, IEnumerable<string> drop, bool privileged)
        {
            var adds = add.Select(Normalize).ToList();
            var drops = drop.Select(Normalize).ToList();
            ulong host = HostMask();
            if (privileged || adds.Contains("ALL")) return host;
            ulong mask = drops.Contains("ALL") ? 0 : DefaultMask & ~Mask(drops.Where(d => d != "ALL"));
            foreach (var a in adds)
            {
                if ((host & Bit(a)) == 0)
                    throw new MiniDockerException("CapabilityUnavailable", FailureKind.PermissionDenied,
                        $"Capability CAP_{a} is not in this host's bounding set, so no container here can have it.", a);
                mask |= Bit(a);
            }
            return mask & host;
        }

        public static string ToNames(ulong mask) =>
            string.Join(",", Enumerable.Range(0, Names.Length).Where(i => (mask & (1UL << i)) != 0).Select(i => "CAP_" + Names[i]));

        private static ulong Bit(string name) => 1UL << Array.IndexOf(Names, name);
        private static ulong Mask(IEnumerable<string> names) => names.Aggregate(0UL, (m, n) => m | Bit(n));
    }
}
