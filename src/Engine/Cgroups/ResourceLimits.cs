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

        /// <summary>The set limits as values (Format-List and serialized copies show this), e.g. "Memory=512MiB Cpus=0.5 Pids=4096".</summary>
        public override string ToString()
        {
            var parts = new System.Collections.Generic.List<string>();
            if (MemoryBytes is long m) parts.Add("Memory=" + Bytes(m));
            if (MemorySwapBytes is long s) parts.Add("MemorySwap=" + (s < 0 ? "unlimited" : Bytes(s)));
            if (Cpus is double c) parts.Add("Cpus=" + c.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (CpuShares is long w) parts.Add("CpuShares=" + w);
            if (CpusetCpus is string set) parts.Add("CpusetCpus=" + set);
            parts.Add("Pids=" + (PidsLimit is long p && p >= 0 ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unlimited"));
            return string.Join(" ", parts);
        }

        private static string Bytes(long b) =>
            b % (1L << 30) == 0 ? $"{b >> 30}GiB" : b % (1L << 20) == 0 ? $"{b >> 20}MiB" : b % 1024 == 0 ? $"{b >> 10}KiB" : $"{b}B";
    }
}
