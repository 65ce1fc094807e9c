namespace MiniDocker
{
    /// <summary>The cgroup limits of a container; null means "not limited".</summary>
    public sealed class ResourceLimits
    {
        /// <summary>The pids limit a container gets unless told otherwise: a fork bomb stops here.</summary>
        public const long DefaultPidsLimit = 4096;

        public long? MemoryBytes { get; set; }
        public long? MemorySwapBytes { get; set; }
        public double? Cpus { get; set; }
        public long? CpuShares { get; set; }
        public string? CpusetCpus { get; set; }
        public long? PidsLimit { get; set; } = DefaultPidsLimit;

        public ResourceLimits Clone() => (ResourceLimits)MemberwiseClone();
    }
}
