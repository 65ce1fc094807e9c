using System;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// The rootless user-mode networks: pasta (Debian's passt package) and slirp4netns. Both give the container the
    /// same network (eth0 10.0.2.100/24 via 10.0.2.2, DNS 10.0.2.3, -Publish from the host's ports), so a container
    /// asked for with -Network pasta gets slirp4netns where only that is installed (Debian 11 and Ubuntu 22.04, the
    /// WSL default, have slirp4netns but no passt package): the script runs unchanged, and the record says which.
    /// </summary>
    public static class UserModeNetwork
    {
        /// <summary>Directories searched instead of the system's (Podman's helper_binaries_dir), separated by ':'.</summary>
        public const string ToolDirectoriesVariable = "MINIDOCKER_HELPER_BINARIES_DIR";

        public static bool IsUserMode(string network) => network is PastaNetwork.Name or Slirp4netnsNetwork.Name;

        /// <summary>
        /// pasta or slirp4netns, in the system's directories or those of MINIDOCKER_HELPER_BINARIES_DIR. Unlike
        /// newuidmap these run as the user with the user's rights, so a directory the user names is no escalation.
        /// </summary>
        public static string? FindTool(string name)
        {
            string? dirs = Environment.GetEnvironmentVariable(ToolDirectoriesVariable);
            if (string.IsNullOrEmpty(dirs)) return Rootless.IdMapping.FindTool(name);
            return dirs.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        }

        /// <summary>
        /// At create: -Network pasta (asked, or the default) becomes slirp4netns when pasta is not installed and
        /// slirp4netns is. With neither, pasta stays, and Start says what to install.
        /// </summary>
        public static string Choose(string network, Action<string> trace)
        {
            if (network != PastaNetwork.Name || PastaNetwork.Find() != null || Slirp4netnsNetwork.Find() is not string slirp) return network;
            trace($"pasta (package passt) is not installed; the container's network is slirp4netns ({slirp}) instead: " +
                  $"the same addresses and published ports, served by slirp4netns.");
            return Slirp4netnsNetwork.Name;
        }
    }
}
