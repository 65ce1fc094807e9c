using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Containers
{
    /// <summary>-Device: host device nodes a container gets in its /dev and in its device cgroup's allow list.</summary>
    internal static class ContainerDevices
    {
        /// <summary>Paths in /dev the plan makes itself (mounts and symlinks): a device there would be hidden or would hide them.</summary>
        private static readonly string[] ReservedDevicePaths = { "/dev/pts", "/dev/shm", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/ptmx" };

        /// <summary>
        /// -Device HOST[:CONTAINER][:PERMISSIONS] as docker --device: HOST a character or block device node (symlinks
        /// followed), CONTAINER below /dev (default: HOST's path), PERMISSIONS a subset of rwm (default rwm).
        /// </summary>
        public static unsafe List<ContainerDevice> Parse(IEnumerable<string> specs, Func<string, string>? hostPath = null)
        {
            var devices = new List<ContainerDevice>();
            foreach (var d in specs)
            {
                var parts = d.Split(':');
                string permissions = "rwm";
                string target = parts[0];
                if (parts.Length == 3) (target, permissions) = (parts[1], parts[2]);
                else if (parts.Length == 2 && IsDevicePermissions(parts[1])) permissions = parts[1];
                else if (parts.Length == 2) target = parts[1];
                if (parts.Length is < 1 or > 3 || parts[0].Length == 0 || !IsDevicePermissions(permissions))
                    throw new MiniDockerException("InvalidDevice", FailureKind.InvalidArgument, $"Device '{d}' is not hostPath[:containerPath][:PERMISSIONS], PERMISSIONS a combination of r, w and m.", d);
                string host = hostPath?.Invoke(parts[0]) ?? Path.GetFullPath(parts[0]);
                Tmds.Linux.stat st;
                byte[] hp = System.Text.Encoding.UTF8.GetBytes(host + "\0");
                int rc;
                fixed (byte* p = hp) rc = Tmds.Linux.LibC.stat(p, &st);
                int type = rc == 0 ? (int)st.st_mode & (int)Tmds.Linux.LibC.S_IFMT : 0;
                bool block = type == (int)Tmds.Linux.LibC.S_IFBLK;
                if (!block && type != (int)Tmds.Linux.LibC.S_IFCHR)
                    throw new MiniDockerException("DeviceNotFound", FailureKind.ObjectNotFound, $"Device '{host}' (in '{d}') is not a character or block device on the host.", d);
                string path = ContainerMounts.Target(target, d);
                if (!path.StartsWith("/dev/", StringComparison.Ordinal) || ReservedDevicePaths.Any(r => path == r || path.StartsWith(r + "/", StringComparison.Ordinal)))
                    throw new MiniDockerException("InvalidDevicePath", FailureKind.InvalidArgument,
                        $"Device path '{path}' (in '{d}') must be below /dev and not one of {string.Join(", ", ReservedDevicePaths)}.", d);
                ulong rdev = (ulong)st.st_rdev;
                devices.Add(new ContainerDevice
                {
                    HostPath = host,
                    Path = path,
                    Type = block ? 'b' : 'c',
                    // glibc's gnu_dev_major/minor
                    Major = (long)(((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffUL)),
                    Minor = (long)((rdev & 0xff) | ((rdev >> 12) & ~0xffUL)),
                    FileMode = (int)st.st_mode & 0x1ff, // rwx bits only: no setuid/sticky on a node
                    Permissions = permissions,
                });
            }
            if (devices.GroupBy(x => x.Path).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new MiniDockerException("InvalidDevicePath", FailureKind.InvalidArgument, (p, op) => $"Two {p("Devices")} entries make {twice.Key}.", twice.Key);
            return devices;
        }

        private static bool IsDevicePermissions(string s) =>
            s.Length is > 0 and <= 3 && s.All(ch => ch is 'r' or 'w' or 'm') && s.Distinct().Count() == s.Length;
    }
}
