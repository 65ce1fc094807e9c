namespace MiniDocker
{
    /// <summary>The cgroup limits of a container; null means "not limited".</summary>
    public sealed class ResourceLimits
    {
        /// <summary>The pids limit a container gets unless told otherwise: a fork bomb stops here.</summary>
        public const long DefaultPidsLimit = 4096;

        /// <summary>Smallest memory limit accepted (docker's too): below it a container cannot even start its init.</summary>
        public const long MinimumMemoryBytes = 6 * 1024 * 1024;

        public long? MemoryBytes { get; set; }
        /// <summary>Memory plus swap; null means "no swap" (equal to memory), -1 means unlimited swap.</summary>
        public long? MemorySwapBytes { get; set; }
        public double? Cpus { get; set; }
        public long? CpuShares { get; set; }
        public string? CpusetCpus { get; set; }
        public long? PidsLimit { get; set; } = DefaultPidsLimit;

        public ResourceLimits Clone() => (ResourceLimits)MemberwiseClone();
    }
}
