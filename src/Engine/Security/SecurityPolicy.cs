using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Security
{
    /// <summary>Turns New-MiniContainer's security parameters into <see cref="SecuritySettings"/>, with a specific error for each bad value.</summary>
    public static class SecurityPolicy
    {
        /// <summary>setrlimit resource numbers (asm-generic/resource.h), by Docker's --ulimit names.</summary>
        public static readonly IReadOnlyDictionary<string, int> RlimitResources = new Dictionary<string, int>
        {
            ["cpu"] = 0, ["fsize"] = 1, ["data"] = 2, ["stack"] = 3, ["core"] = 4, ["rss"] = 5, ["nproc"] = 6,
            ["nofile"] = 7, ["memlock"] = 8, ["as"] = 9, ["locks"] = 10, ["sigpending"] = 11, ["msgqueue"] = 12,
            ["nice"] = 13, ["rtprio"] = 14, ["rttime"] = 15,
        };

        /// <summary>containerd's default open-files limit (Docker inherits it): soft 1024, hard 524288.</summary>
        public const ulong DefaultNofileSoft = 1024, DefaultNofileHard = 524288;

        /// <summary>ROOTFS: the rootfs folder or the image's layers, top first; DEFAULTUSER: the image's User when -User is not given.</summary>
        public static SecuritySettings Resolve(ContainerSpec spec, IReadOnlyList<string> rootfs, string? defaultUser = null)
        {
            var s = new SecuritySettings
            {
                Privileged = spec.Privileged,
                ReadOnlyRootFs = spec.ReadOnly,
                Capabilities = Capabilities.Resolve(spec.CapAdd, spec.CapDrop, spec.Privileged),
                Seccomp = spec.Privileged ? "unconfined" : "default",
            };
            foreach (var opt in spec.SecurityOpt) ApplySecurityOpt(s, opt, spec.HostPath);
            s.Ulimits = ParseUlimits(spec.Ulimits);
            if ((spec.User ?? defaultUser) is string user) ResolveUser(s, user, rootfs);
            if (s.SeccompProfileJson != null) SeccompProfile.FromDockerJson(s.SeccompProfileJson, s.Capabilities, s.Seccomp); // validate now
            return s;
        }

        /// <summary>The filter a container gets, or null for none.</summary>
        /// <summary>
        /// The rlimits the container starts with: the explicit ones, and NOFILE 1024:524288 unless given. Without
        /// CAP_SYS_RESOURCE the engine cannot raise a hard limit, so the default hard limit is then capped at its own.
        /// </summary>
        public static IEnumerable<Ulimit> EffectiveUlimits(SecuritySettings s)
        {
            if (s.Ulimits.Any(u => u.Name == "nofile")) return s.Ulimits;
            ulong hard = DefaultNofileHard;
            // Rootless: the bounding set is full but only the host's CAP_SYS_RESOURCE raises a hard limit, which we lack.
            bool canRaise = !Rootless.RootlessMode.IsRootless && Capabilities.Has(Capabilities.HostMask(), "SYS_RESOURCE");
            if (!canRaise && OwnHardLimit("Max open files") is ulong own) hard = Math.Min(hard, own);
            var nofile = new Ulimit { Name = "nofile", Soft = Math.Min(DefaultNofileSoft, hard), Hard = hard };
            return s.Ulimits.Append(nofile).OrderBy(u => RlimitResources[u.Name]);
        }

        private static ulong? OwnHardLimit(string label)
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
                if (line.StartsWith(label, StringComparison.Ordinal))
                {
                    string[] f = line.Substring(label.Length).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return f.Length > 1 && ulong.TryParse(f[1], out var v) ? v : null;
                }
            return null;
        }

        public static SeccompProfile? SeccompFor(SecuritySettings s) =>
            s.Seccomp == "unconfined" ? null
            : s.SeccompProfileJson != null ? SeccompProfile.FromDockerJson(s.SeccompProfileJson, s.Capabilities, s.Seccomp)
            : SeccompProfile.Default(s.Capabilities);

        /// <summary>seccomp=unconfined|PROFILE.json, no-new-privileges[=true|false] (Docker also accepts ':' for '=').</summary>
        private static void ApplySecurityOpt(SecuritySettings s, string opt, Func<string, string> hostPath)
        {
            int sep = opt.IndexOfAny(new[] { '=', ':' });
            string key = (sep < 0 ? opt : opt.Substring(0, sep)).Trim().ToLowerInvariant();
            string? value = sep < 0 ? null : opt.Substring(sep + 1);
            switch (key)
            {
                case "seccomp" when value is "unconfined":
                    s.Seccomp = "unconfined";
                    s.SeccompProfileJson = null;
                    break;
                case "seccomp" when !string.IsNullOrEmpty(value):
                    string path = hostPath(value);
                    if (!File.Exists(path))
                        throw new MiniDockerException("SeccompProfileNotFound", FailureKind.ObjectNotFound, $"Seccomp profile file '{path}' does not exist.", path);
                    s.Seccomp = path;
                    s.SeccompProfileJson = File.ReadAllText(path);
                    break;
                case "no-new-privileges" when value is null or "true" or "false":
                    s.NoNewPrivileges = value != "false";
                    break;
                case "apparmor" or "label" or "systempaths" or "proc-opts" or "mask":
                    throw new MiniDockerException("SecurityOptUnsupported", FailureKind.NotImplemented, $"Security option '{opt}' is not supported by MiniDocker.", opt);
                default:
                    throw new MiniDockerException("InvalidSecurityOpt", FailureKind.InvalidArgument,
                        $"Security option '{opt}' is not valid. Use seccomp=unconfined, seccomp=PROFILE.json or no-new-privileges[=true|false].", opt);
            }
        }

        /// <summary>"nofile=1024:524288", "nproc=512" (soft = hard), "core=unlimited".</summary>
        public static List<Ulimit> ParseUlimits(IEnumerable<string> specs)
        {
            var result = new Dictionary<string, Ulimit>();
            foreach (var spec in specs)
            {
                int eq = spec.IndexOf('=');
                string name = eq < 0 ? "" : spec.Substring(0, eq).Trim().ToLowerInvariant();
                if (!RlimitResources.ContainsKey(name))
                    throw new MiniDockerException("InvalidUlimit", FailureKind.InvalidArgument,
                        $"Ulimit '{spec}' is not valid: use NAME=SOFT[:HARD] with NAME one of {string.Join(", ", RlimitResources.Keys)}.", spec);
                string[] parts = spec.Substring(eq + 1).Split(':');
                if (parts.Length > 2 || !TryLimit(parts[0], out var soft) || !TryLimit(parts[^1], out var hard))
                    throw new MiniDockerException("InvalidUlimit", FailureKind.InvalidArgument, $"Ulimit '{spec}' is not valid: SOFT and HARD are numbers or 'unlimited'.", spec);
                if (soft > hard)
                    throw new MiniDockerException("InvalidUlimit", FailureKind.InvalidArgument, $"Ulimit '{spec}': the soft limit is above the hard limit.", spec);
                result[name] = new Ulimit { Name = name, Soft = soft, Hard = hard };
            }
            return result.Values.OrderBy(u => RlimitResources[u.Name]).ToList();
        }

        private static bool TryLimit(string s, out ulong v)
        {
            if (s.Trim() is "unlimited" or "-1") { v = ulong.MaxValue; return true; }
            return ulong.TryParse(s.Trim(), out v);
        }

        /// <summary>A copy of S running as USER, resolved in ROOTFS (for exec: the running container's /proc/PID/root).</summary>
        public static SecuritySettings WithUser(SecuritySettings s, string user, string rootfs)
        {
            var copy = System.Text.Json.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.Serialize(s, EngineDataJsonContext.Default.SecuritySettings), EngineDataJsonContext.Default.SecuritySettings)!;
            ResolveUser(copy, user, new[] { rootfs });
            return copy;
        }

        /// <summary>
        /// uid[:gid] or name[:group], looked up in the rootfs's /etc/passwd and /etc/group (resolved inside the rootfs,
        /// never following a link out). Supplementary groups: the groups that list the user by name.
        /// </summary>
        private static void ResolveUser(SecuritySettings s, string user, IReadOnlyList<string> rootfs)
        {
            string[] parts = user.Split(':');
            if (user.Length == 0 || parts.Length > 2 || parts.Any(p => p.Length == 0))
                throw new MiniDockerException("InvalidUser", FailureKind.InvalidArgument, $"User '{user}' is not valid: use UID, UID:GID, NAME or NAME:GROUP.", user);
            var passwd = ReadDatabase(rootfs, "/etc/passwd");
            var groups = ReadDatabase(rootfs, "/etc/group");
            string[]? entry = uint.TryParse(parts[0], out var uid)
                ? passwd.FirstOrDefault(e => e.Length >= 7 && e[2] == parts[0])
                : passwd.FirstOrDefault(e => e.Length >= 7 && e[0] == parts[0]);
            if (entry == null && !uint.TryParse(parts[0], out uid))
                throw new MiniDockerException("UserNotFound", FailureKind.ObjectNotFound, $"User '{parts[0]}' is not in the root filesystem's /etc/passwd.", user);
            if (entry != null && !uint.TryParse(entry[2], out uid))
                throw new MiniDockerException("InvalidUser", FailureKind.InvalidArgument, $"The /etc/passwd entry of '{parts[0]}' has no valid uid.", user);
            uint gid = entry != null && uint.TryParse(entry[3], out var g) ? g : 0;
            if (parts.Length == 2)
            {
                if (uint.TryParse(parts[1], out var explicitGid)) gid = explicitGid;
                else gid = groups.FirstOrDefault(e => e.Length >= 3 && e[0] == parts[1]) is { } ge && uint.TryParse(ge[2], out var ng)
                    ? ng
                    : throw new MiniDockerException("GroupNotFound", FailureKind.ObjectNotFound, $"Group '{parts[1]}' is not in the root filesystem's /etc/group.", user);
            }
            if (uid == uint.MaxValue || gid == uint.MaxValue)
                throw new MiniDockerException("InvalidUser", FailureKind.InvalidArgument, $"User '{user}': 4294967295 is not a valid id.", user);
            string? name = entry?[0];
            s.User = user;
            s.Uid = uid;
            s.Gid = gid;
            s.Home = entry?[5] is { Length: > 0 } home ? home : null;
            s.Groups = name == null ? Array.Empty<uint>()
                : groups.Where(e => e.Length >= 4 && e[3].Split(',').Contains(name) && uint.TryParse(e[2], out _))
                        .Select(e => uint.Parse(e[2], CultureInfo.InvariantCulture)).Distinct().ToArray();
        }

        /// <summary>colon-separated lines of a file inside the rootfs; missing file: none.</summary>
        private static List<string[]> ReadDatabase(IReadOnlyList<string> rootfs, string containerPath)
        {
            string? host = RootfsPath.Resolve(rootfs, containerPath);
            if (host == null || !File.Exists(host)) return new List<string[]>();
            if (new FileInfo(host).Length > 4 << 20)
                throw new MiniDockerException("InvalidUser", FailureKind.InvalidArgument, $"{containerPath} in the root filesystem is too large to be a user database.", containerPath);
            return File.ReadAllLines(host).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':')).ToList();
        }
    }
}
