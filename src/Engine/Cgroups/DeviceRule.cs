using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>
    /// One entry of a container's device allow list (the device cgroup): TYPE 'c' or 'b', MAJOR and MINOR
    /// (null = any), ACCESS a subset of "rwm" (read, write, mknod). Everything not allowed is denied.
    /// </summary>
    public sealed record DeviceRule(char Type, long? Major, long? Minor, string Access)
    {
        /// <summary>The v1 devices.allow line, e.g. "c 1:3 rwm" or "c *:* m".</summary>
        public override string ToString() =>
            $"{Type} {Number(Major)}:{Number(Minor)} {Access}";

        private static string Number(long? n) => n is long v ? v.ToString(CultureInfo.InvariantCulture) : "*";
    }

    /// <summary>What a container may do with device nodes: Docker's (runc's) default list plus -Device.</summary>
    public static class DevicePolicy
    {
        /// <summary>
        /// runc's default allow list, which Docker containers get: mknod of any node (opening one is what
        /// matters), the devices MiniDocker puts in /dev, the console, pty masters and slaves, and tun.
        /// </summary>
        public static readonly IReadOnlyList<DeviceRule> Defaults = new DeviceRule[]
        {
            new('c', null, null, "m"), new('b', null, null, "m"),
            new('c', 1, 3, "rwm"), new('c', 1, 5, "rwm"), new('c', 1, 7, "rwm"),   // null, zero, full
            new('c', 1, 8, "rwm"), new('c', 1, 9, "rwm"),                          // random, urandom
            new('c', 5, 0, "rwm"), new('c', 5, 1, "rwm"), new('c', 5, 2, "rwm"),   // tty, console, ptmx
            new('c', 136, null, "rwm"),                                            // /dev/pts/*
            new('c', 10, 200, "rwm"),                                              // /dev/net/tun
        };

        /// <summary>The allow list of a container; null for a -Privileged one, which may use every device.</summary>
        public static IReadOnlyList<DeviceRule>? For(Container c) =>
            c.Security.Privileged ? null
                : Defaults.Concat(c.Devices.Select(d => new DeviceRule(d.Type, d.Major, d.Minor, d.Permissions))).ToList();
    }
}
