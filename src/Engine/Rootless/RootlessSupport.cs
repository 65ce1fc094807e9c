namespace MiniDocker.Engine.Rootless
{
    /// <summary>What a rootless container cannot have yet, refused at New-MiniContainer with what to do instead.</summary>
    public static class RootlessSupport
    {
        public static void Check(ContainerSpec spec, string defaultNetwork)
        {
            if (!RootlessMode.IsRootless) return;
            string network = spec.Network ?? defaultNetwork;
            // Bridges, veths and nftables need root in the host's network namespace; host networking would share a
            // namespace the container's user namespace does not own (no sysfs, no lo changes).
            // pasta or slirp4netns (user-mode networks) are the rootless way to a network and to published ports.
            if (Networking.UserModeNetwork.IsUserMode(network)) { }
            else if (network != Networking.NetworkAttachment.None || spec.Publish.Length > 0)
                throw new MiniDockerException("RootlessNetworkUnsupported", FailureKind.NotImplemented, (p, op) =>
                    $"Rootless containers have {p("Network")} none, pasta or slirp4netns (asked: '{network}'{(spec.Publish.Length > 0 ? ", with " + p("Publish") : "")}). " +
                    $"Use {p("Network")} pasta for a network and published ports, or run the container as root for bridge and host networking.", network);
            if (spec.Devices.Length > 0)
                throw new MiniDockerException("RootlessDeviceUnsupported", FailureKind.NotImplemented, (p, op) =>
                    $"{p("Device")} needs a device node made with mknod, which a user namespace refuses: run the container as root to pass devices in.", spec.Devices[0]);
        }
    }
}
