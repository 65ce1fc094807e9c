using System;
using System.Collections.Generic;

namespace MiniDocker
{
    /// <summary>
    /// A container's security settings as decided at creation: capabilities, no_new_privs, seccomp, user, rlimits,
    /// read-only root. Recorded with the container, so a start later uses exactly what was validated.
    /// </summary>
    public sealed class SecuritySettings
    {
        /// <summary>All capabilities, no seccomp, no masked or read-only paths, /sys writable. Still namespaced.</summary>
        public bool Privileged { get; set; }
        /// <summary>The container's capabilities (bounding set; also effective and permitted for root).</summary>
        public ulong Capabilities { get; set; }
        public bool NoNewPrivileges { get; set; } = true;
        /// <summary>"default", "unconfined", or the path of the custom profile (its JSON is in <see cref="SeccompProfileJson"/>).</summary>
        public string Seccomp { get; set; } = "default";
        public string? SeccompProfileJson { get; set; }
        /// <summary>As given to -User (null: root).</summary>
        public string? User { get; set; }
        public uint Uid { get; set; }
        public uint Gid { get; set; }
        public uint[] Groups { get; set; } = Array.Empty<uint>();
        /// <summary>The user's home from the rootfs's /etc/passwd (HOME), when -User named one there.</summary>
        public string? Home { get; set; }
        public List<Ulimit> Ulimits { get; set; } = new();
        public bool ReadOnlyRootFs { get; set; }

        /// <summary>Capabilities as names, e.g. "CAP_CHOWN,CAP_KILL".</summary>
        public string CapabilityNames => MiniDocker.Engine.Security.Capabilities.ToNames(Capabilities);

        /// <summary>The settings as values (Format-List and serialized copies show this), not the type name.</summary>
        public override string ToString()
        {
            var parts = new List<string> { "User=" + (User ?? "root") };
            if (Privileged) parts.Add("Privileged");
            parts.Add("Capabilities=" + (CapabilityNames is { Length: > 0 } n ? n : "none"));
            parts.Add("Seccomp=" + Seccomp);
            parts.Add("NoNewPrivileges=" + NoNewPrivileges);
            if (ReadOnlyRootFs) parts.Add("ReadOnlyRootFs");
            if (Ulimits.Count > 0) parts.Add("Ulimits=" + string.Join(",", Ulimits));
            return string.Join(" ", parts);
        }
    }
}
