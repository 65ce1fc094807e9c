using System;
using System.Collections.Generic;

namespace MiniDocker
{
    /// <summary>Where a container is in its life (docker's states, minus "restarting").</summary>
    public enum ContainerState
    {
        Created,
        Running,
        Paused,
        Exited,
        /// <summary>Its monitor and init vanished without recording an exit (e.g. killed, or the host rebooted).</summary>
        Dead,
    }

    /// <summary>One container: its configuration and its last known state. This is what the cmdlets return.</summary>
    public sealed class Container
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
        public string[] Command { get; set; } = Array.Empty<string>();
        public string Hostname { get; set; } = "";
        public Dictionary<string, string> Environment { get; set; } = new();
        public string WorkingDirectory { get; set; } = "/";
        public bool Init { get; set; }
        public ResourceLimits Limits { get; set; } = new();
        public SecuritySettings Security { get; set; } = new();
        public DateTime Created { get; set; }
        public DateTime? StartedAt { get; set; }
        public DateTime? FinishedAt { get; set; }
        /// <summary>Host PID of the container's init (PID 1 inside) while it runs.</summary>
        public int? Pid { get; set; }
        /// <summary>Start time of <see cref="Pid"/> in clock ticks (field 22 of /proc/PID/stat): a recycled PID never matches.</summary>
        public ulong? PidStartTime { get; set; }
        public int? MonitorPid { get; set; }
        public ulong? MonitorStartTime { get; set; }
        public int? ExitCode { get; set; }
        public bool OomKilled { get; set; }
        /// <summary>The cgroup directories this container owns, one per hierarchy (v1) or one (v2).</summary>
        public List<string> CgroupPaths { get; set; } = new();
        /// <summary>Where the current run's output starts in the log; earlier runs' output comes before it.</summary>
        public long LogStartOffset { get; set; }
        /// <summary>none, host, bridge (the default network) or a network made with New-MiniNetwork.</summary>
        public string Network { get; set; } = "none";
        /// <summary>Published ports (-Publish).</summary>
        public List<PortMapping> Ports { get; set; } = new();
        /// <summary>-Dns servers (replace the host's in /etc/resolv.conf).</summary>
        public List<string> Dns { get; set; } = new();
        /// <summary>-AddHost entries, NAME:IP, added to /etc/hosts.</summary>
        public List<string> ExtraHosts { get; set; } = new();
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
        public override string ToString() => Type == "tmpfs" ? "tmpfs:" + Target : Source + ":" + Target + (ReadOnly ? ":ro" : "");
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
