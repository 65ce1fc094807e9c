using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>The limit parameters New-MiniContainer and Set-MiniContainerLimit share, turned into one engine request.</summary>
    internal interface ILimitParameters
    {
        object? Memory { get; }
        object? MemorySwap { get; }
        double? Cpus { get; }
        long? CpuShares { get; }
        string? CpusetCpus { get; }
        long? PidsLimit { get; }
    }

    internal static class LimitParameters
    {
        /// <summary>Sizes stay raw (the engine parses 512MB as a number and "512MB" as text); PSObject wrappers are peeled.</summary>
        public static LimitRequest ToLimitRequest(this ILimitParameters p) => new()
        {
            Memory = Unwrap(p.Memory),
            MemorySwap = Unwrap(p.MemorySwap),
            Cpus = p.Cpus,
            CpuShares = p.CpuShares,
            CpusetCpus = p.CpusetCpus,
            PidsLimit = p.PidsLimit,
        };

        private static object? Unwrap(object? v) => v is PSObject o ? o.BaseObject : v;
    }
}
