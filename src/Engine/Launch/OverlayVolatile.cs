using System;

namespace MiniDocker.Engine.Launch
{
    /// <summary>
    /// Whether a container's overlay is mounted with <c>volatile</c> (Linux >= 5.10): no sync of the upper
    /// filesystem, neither for fsync inside nor when the overlay is unmounted. The unmount's sync is a
    /// <c>syncfs</c> of the whole filesystem holding the upper dir, on the container's exit path (its last
    /// mount namespace reference goes as its init exits): one journal commit per container plus whatever
    /// else on that filesystem is dirty, 1.5-5 ms here and more while anything else writes (issue 15).
    ///
    /// Only for -AutoRemove containers: their layer is deleted once they stop, so nothing in it has to
    /// reach the disk, not even after a crash (the engine's next read removes a stopped or dead auto-remove
    /// container, layer and all). A container that keeps its layer keeps the sync: an fsync inside it (a
    /// database in its writable layer) must still mean durable, and its layer at exit must be on disk.
    ///
    /// Overlay leaves work/work/incompat/volatile behind and refuses a later volatile mount while it is
    /// there (the upper may be torn by a crash). The engine makes a fresh work dir before every start
    /// (ContainerEngine.PrepareOverlayDirectories), which is right here: an auto-remove container's upper
    /// is never used again (it cannot be restarted, and a failed start removes it).
    /// </summary>
    public static class OverlayVolatile
    {
        /// <summary>The kernel takes the option (5.10; older kernels refuse the mount as an unknown option).</summary>
        public static bool Supported { get; } = Environment.OSVersion.Version >= new Version(5, 10);

        /// <summary>The option to append to C's overlay mount data ("" or ",volatile").</summary>
        public static string For(Container c) => c.AutoRemove && Supported ? ",volatile" : "";
    }
}
