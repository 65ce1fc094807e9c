namespace MiniDocker.Engine.Cgroups
{
    /// <summary>The cgroup failures both drivers report the same way.</summary>
    internal static class CgroupErrors
    {
        public static MiniDockerException MemoryBelowUsage(string dir, long limit, MiniDockerException inner) =>
            new("MemoryBelowUsage", FailureKind.ResourceUnavailable,
                $"The kernel refused memory limit {limit} bytes for {dir}: the container uses more than that and could not be reclaimed below it (EBUSY). " +
                "Free memory inside the container or choose a higher limit.", dir, inner);

        public static MiniDockerException SwapUnsupported(string dir) =>
            new("SwapLimitUnsupported", FailureKind.NotInstalled,
                (p, op) => $"This kernel has no swap accounting in {dir}, so {p("MemorySwap")} cannot be enforced. Boot with swapaccount=1 (cgroup v1) or enable the swap controller, or leave {p("MemorySwap")} out.", dir);

        public static MiniDockerException FreezeTimeout(string dir) =>
            new("FreezeTimeout", FailureKind.OperationTimeout,
                $"The processes in {dir} did not all freeze within 5 s (a task stuck in the kernel?); the container was thawed again.", dir);
    }
}
