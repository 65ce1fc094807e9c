namespace MiniDocker.Engine.Cgroups
{
    public static class CgroupDriver
    {
        /// <summary>The driver for this host, chosen by what /sys/fs/cgroup really is.</summary>
        public static ICgroupDriver ForHost(string? parentOption)
        {
            var layout = CgroupLayout.Detect();
            if (Rootless.RootlessMode.IsRootless && Rootless.RootlessCgroups.WhyNotDelegated(layout) is string why)
                return new NoCgroupDriver(layout.Mode, why);
            return layout.Mode == CgroupMode.Unified
                ? new CgroupV2Driver(layout, parentOption)
                : new CgroupV1Driver(layout, parentOption);
        }
    }
}
