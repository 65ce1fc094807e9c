using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>The limit parameters New-MiniContainer and Set-MiniContainerLimit share, turned into one engine request.</summary>
    internal interface ILimitParameters
    {
        SizeValue? Memory { get; }
        SizeValue? MemorySwap { get; }
        double? Cpus { get; }
        long? CpuShares { get; }
        string? CpusetCpus { get; }
        long? PidsLimit { get; }
    }

    internal static class LimitParameters
    {
        /// <summary>Sizes go as given (<see cref="SizeTransformationAttribute"/> made them engine values); the engine parses and validates.</summary>
        public static LimitRequest ToLimitRequest(this ILimitParameters p) => new()
        {
            Memory = p.Memory,
            MemorySwap = p.MemorySwap,
            Cpus = p.Cpus,
            CpuShares = p.CpuShares,
            CpusetCpus = p.CpusetCpus,
            PidsLimit = p.PidsLimit,
        };
    }
}
