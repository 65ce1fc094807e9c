using System;

namespace MiniDocker
{
    /// <summary>One sample of a container's resource use, read from its cgroup (Get-MiniContainerStat).</summary>
    public sealed class ContainerStats
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string ShortId => Id.Length > 12 ? Id.Substring(0, 12) : Id;
        public ContainerState State { get; set; }
        public DateTime Timestamp { get; set; }
        /// <summary>Bytes charged to the container now (v1 memory.usage_in_bytes, v2 memory.current).</summary>
        public long MemoryUsage { get; set; }
        /// <summary>Highest usage seen (v1 memory.max_usage_in_bytes, v2 memory.peak); null on kernels without it.</summary>
        public long? MemoryPeak { get; set; }
        /// <summary>null when unlimited.</summary>
        public long? MemoryLimit { get; set; }
        /// <summary>CPU time used since start (v1 cpuacct.usage, v2 cpu.stat usage_usec).</summary>
        public TimeSpan CpuTime { get; set; }
        /// <summary>Share of one CPU used since the previous sample (100 = one full CPU); null on a first sample.</summary>
        public double? CpuPercent { get; set; }
        public long PidsCurrent { get; set; }
        /// <summary>null when unlimited.</summary>
        public long? PidsLimit { get; set; }
        /// <summary>Processes the kernel's OOM killer killed in this container.</summary>
        public long OomKills { get; set; }

        public override string ToString() => Name;
    }
}
