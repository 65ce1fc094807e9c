using System;
using System.Collections.Generic;
using System.Linq;

namespace MiniDocker
{
    /// <summary>Where a container is in its life (docker's states, minus "restarting").</summary>
    /// <remarks>Based on long so that ConvertTo-Json writes the name ("Exited"), as it does for every long enum.</remarks>
    public enum ContainerState : long
    {
        Created,
        Running,
        Paused,
        Exited,
        /// <summary>Its monitor and init vanished without recording an exit (e.g. killed, or the host rebooted).</summary>
        Dead,
    }

    /// <summary>
    /// One container: its configuration and its last known state. This is what the cmdlets return; the
    /// engine's runtime bookkeeping is in <see cref="MiniDocker.Engine.Containers.ContainerRecord"/>, what the store persists.
    /// </summary>
    public class Container
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string ShortId => Id.Length > 12 ? Id.Substring(0, 12) : Id;
        public ContainerState State { get; set; }
        /// <summary>The rootfs folder (empty for a container made from an image).</summary>
        public string RootFs { get; set; } = "";
        /// <summary>The image reference it was made from (name:tag), if any.</summary>
        public string? Image { get; set; }
        public string? ImageId { get; set; }
        /// <summary>The image's layer directories, bottom first (the overlay's lower dirs); empty for a rootfs folder.</summary>
        public List<string> Layers { get; set; } = new();
        /// <summary>Bind mounts (-Volume) and tmpfs mounts (-Tmpfs), in the order given.</summary>
        public List<ContainerMount> Mounts { get; set; } = new();
        /// <summary>Host devices passed in (-Device): made in the container's /dev and allowed in its device cgroup.</summary>
        public List<ContainerDevice> Devices { get; set; } = new();
        public string[] Command { get; set; } = Array.Empty<string>();
        public string Hostname { get; set; } = "";
        public Dictionary<string, string> Environment { get; set; } = new();
        public string WorkingDirectory { get; set; } = "/";
        public bool Init { get; set; }
        /// <summary>Removed, with everything it owns, by the first engine command that finds it stopped (docker run --rm).</summary>
        public bool AutoRemove { get; set; }
        public ResourceLimits Limits { get; set; } = new();
        public SecuritySettings Security { get; set; } = new();
        public DateTime Created { get; set; }
        public DateTime? StartedAt { get; set; }
        public DateTime? FinishedAt { get; set; }
        /// <summary>Host PID of the container's init (PID 1 inside) while it runs.</summary>
        public int? Pid { get; set; }
        public int? MonitorPid { get; set; }
        public int? ExitCode { get; set; }
        public bool OomKilled { get; set; }
        /// <summary>Log bytes the monitor could not write (a full disk) in the last run; 0 when nothing was lost.</summary>
        public long LogBytesDropped { get; set; }
        /// <summary>none, host, bridge (the default network) or a network made with New-MiniNetwork.</summary>
        public string Network { get; set; } = "none";
        /// <summary>Published ports (-Publish).</summary>
        public List<PortMapping> Ports { get; set; } = new();
        /// <summary>-Dns servers (replace the host's in /etc/resolv.conf).</summary>
        public List<string> Dns { get; set; } = new();
        /// <summary>-AddHost entries, NAME:IP, added to /etc/hosts.</summary>
        public List<string> ExtraHosts { get; set; } = new();
        /// <summary>-NetworkAlias: more names other containers on its (user) network resolve to it.</summary>
        public List<string> NetworkAliases { get; set; } = new();
        /// <summary>Its address on its bridge network while it runs.</summary>
        public string? IPAddress { get; set; }
        /// <summary>Why the last start failed or why the container is Dead.</summary>
        public string? Error { get; set; }

        public override string ToString() => Name;
    }

    /// <summary>A volume (host directory or file bound in) or a tmpfs, at TARGET inside the container.</summary>
    public sealed class ContainerMount
    {
        /// <summary>"bind" or "tmpfs".</summary>
        public string Type { get; set; } = "bind";
        /// <summary>Host path of a bind mount; empty for tmpfs.</summary>
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
        public bool ReadOnly { get; set; }
        /// <summary>Set-user-ID and file capabilities take effect (the "suid" option); volumes are nosuid otherwise.</summary>
        public bool Suid { get; set; }
        public override string ToString() => Type == "tmpfs" ? "tmpfs:" + Target
            : Source + ":" + Target + (ReadOnly || Suid ? ":" + string.Join(",", new[] { ReadOnly ? "ro" : null, Suid ? "suid" : null }.OfType<string>()) : "");
    }

    /// <summary>A host device node (-Device) made at PATH in the container: the host node's type, numbers and mode.</summary>
    public sealed class ContainerDevice
    {
        public string HostPath { get; set; } = "";
        /// <summary>Where the node is made inside the container (below /dev).</summary>
        public string Path { get; set; } = "";
        /// <summary>'c' (character) or 'b' (block).</summary>
        public char Type { get; set; }
        public long Major { get; set; }
        public long Minor { get; set; }
        /// <summary>The node's permission bits (the host node's).</summary>
        public int FileMode { get; set; }
        /// <summary>What the device cgroup allows on it: a subset of "rwm".</summary>
        public string Permissions { get; set; } = "rwm";
        public override string ToString() => HostPath + ":" + Path + ":" + Permissions;
    }

    /// <summary>A line the container wrote, as recorded by its monitor.</summary>
    public sealed class LogEntry
    {
        public LogEntry(DateTime timestamp, string stream, string text)
        {
            Timestamp = timestamp;
            Stream = stream;
            Text = text;
        }

        public DateTime Timestamp { get; }
        /// <summary>"stdout" or "stderr".</summary>
        public string Stream { get; }
        public string Text { get; }
        public override string ToString() => Text;
    }
}
