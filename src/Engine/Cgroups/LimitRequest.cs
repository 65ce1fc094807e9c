using System;
using System.Linq;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>
    /// Limits as the user asked for them (New-MiniContainer, Set-MiniContainerLimit): only the ones given change.
    /// Sizes are as given (a number or "512MB"); <see cref="ApplyTo"/> parses and validates everything before anything
    /// is written, so bad input leaves the container and its cgroup as they were.
    /// </summary>
    public sealed class LimitRequest
    {
        public SizeValue? Memory { get; set; }
        /// <summary>Memory plus swap, as docker's --memory-swap; -1 means unlimited swap.</summary>
        public SizeValue? MemorySwap { get; set; }
        public double? Cpus { get; set; }
        public long? CpuShares { get; set; }
        public string? CpusetCpus { get; set; }
        /// <summary>-1 means unlimited.</summary>
        public long? PidsLimit { get; set; }

        public const long MinCpuShares = 2, MaxCpuShares = 262144;
        /// <summary>The CFS quota must be at least 1 ms of the 100 ms period.</summary>
        public const double MinCpus = 0.01;

        public bool IsEmpty => Memory == null && MemorySwap == null && Cpus == null && CpuShares == null && CpusetCpus == null && PidsLimit == null;

        /// <summary>CURRENT with this request's changes, validated against the host's CPUs; throws on any bad value.</summary>
        public ResourceLimits ApplyTo(ResourceLimits current, HostCpus host)
        {
            var next = current.Clone();
            if (Memory != null)
            {
                long m = ResourceSize.Parse(Memory.Value, "Memory", "InvalidMemorySize");
                if (m < ResourceLimits.MinimumMemoryBytes)
                    throw new MiniDockerException("InvalidMemorySize", FailureKind.InvalidArgument,
                        (p, op) => $"{p("Memory")} {m} bytes is below the minimum of {ResourceLimits.MinimumMemoryBytes / (1024 * 1024)} MB.", Memory);
                next.MemoryBytes = m;
            }
            if (MemorySwap is SizeValue swap)
                next.MemorySwapBytes = swap.IsMinusOne ? -1 : ResourceSize.Parse(swap, "MemorySwap", "InvalidMemorySwapSize");
            if (Cpus is double cpus)
            {
                if (double.IsNaN(cpus) || cpus < MinCpus || cpus > host.Count)
                    throw new MiniDockerException("InvalidCpus", FailureKind.InvalidArgument,
                        (p, op) => $"{p("Cpus")} {cpus} is out of range: give a number from {MinCpus} to {host.Count} (this host's online CPUs).", cpus);
                next.Cpus = cpus;
            }
            if (CpuShares is long shares)
            {
                if (shares < MinCpuShares || shares > MaxCpuShares)
                    throw new MiniDockerException("InvalidCpuShares", FailureKind.InvalidArgument,
                        (p, op) => $"{p("CpuShares")} {shares} is out of range: give {MinCpuShares} to {MaxCpuShares} (1024 is the default weight).", shares);
                next.CpuShares = shares;
            }
            if (CpusetCpus != null)
            {
                if (!CpuList.TryParse(CpusetCpus, out var set))
                    throw new MiniDockerException("InvalidCpuset", FailureKind.InvalidArgument,
                        (p, op) => $"{p("CpusetCpus")} '{CpusetCpus}' is not a CPU list: write it like 0-1,3.", CpusetCpus);
                var missing = set.Where(c => !host.Online.Contains(c)).ToList();
                if (missing.Count > 0)
                    throw new MiniDockerException("InvalidCpuset", FailureKind.InvalidArgument,
                        (p, op) => $"{p("CpusetCpus")} '{CpusetCpus}' names CPU {string.Join(",", missing)}, which this host does not have online (online: {string.Join(",", host.Online)}).", CpusetCpus);
                next.CpusetCpus = CpusetCpus.Trim();
            }
            if (PidsLimit is long pids)
            {
                if (pids == 0 || pids < -1)
                    throw new MiniDockerException("InvalidPidsLimit", FailureKind.InvalidArgument,
                        (p, op) => $"{p("PidsLimit")} {pids} is not valid: give a positive number of processes, or -1 for unlimited.", pids);
                next.PidsLimit = pids == -1 ? null : pids;
            }

            if (next.MemorySwapBytes != null && next.MemoryBytes == null)
                throw new MiniDockerException("MemorySwapWithoutMemory", FailureKind.InvalidArgument,
                    (p, op) => $"{p("MemorySwap")} limits memory plus swap, so it needs {p("Memory")} as well.", MemorySwap);
            if (next.MemorySwapBytes is long sw and not -1 && sw < next.MemoryBytes)
                throw new MiniDockerException("MemorySwapBelowMemory", FailureKind.InvalidArgument,
                    (p, op) => $"{p("MemorySwap")} ({sw} bytes) is memory plus swap and cannot be below {p("Memory")} ({next.MemoryBytes} bytes); give at least the memory limit, or -1 for unlimited swap.", MemorySwap);
            return next;
        }
    }
}
