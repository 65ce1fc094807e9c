using System.Collections.Generic;

namespace MiniDocker.Engine.Images
{
    /// <summary>What a new container's filesystem is made from: an image's layers, or one rootfs folder.</summary>
    public sealed record RootSource(IReadOnlyList<string> LayersTopFirst, Image? Image, string Description)
    {
        /// <summary>How errors name the root of an existing container ("image alpine:latest", "rootfs /srv/root").</summary>
        public static string Describe(Container c) => c.Image != null ? "image " + c.Image : "rootfs " + c.RootFs;
    }
}
