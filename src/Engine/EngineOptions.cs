using System;
using System.IO;

namespace MiniDocker.Engine
{
    /// <summary>Where the engine keeps its state and finds its helper. Defaults come from the environment.</summary>
    public sealed class EngineOptions
    {
        /// <summary>
        /// State root: containers, images. MINIDOCKER_ROOT overrides /var/lib/minidocker (rootless:
        /// $XDG_DATA_HOME/minidocker, by default ~/.local/share/minidocker).
        /// </summary>
        public string StateRoot { get; set; } =
            Environment.GetEnvironmentVariable("MINIDOCKER_ROOT") is { Length: > 0 } r ? r : Rootless.RootlessMode.DefaultStateRoot();

        /// <summary>
        /// Parent of every container's cgroup. MINIDOCKER_CGROUP_PARENT overrides it. A relative path is
        /// nested under this process's own cgroup in every v1 hierarchy and next to it on v2 (whose
        /// no-internal-processes rule forbids delegating from a cgroup with the caller in it); an absolute
        /// one is taken from each hierarchy's root. Default: "minidocker", placed the same way.
        /// </summary>
        public string? CgroupParent { get; set; } =
            Environment.GetEnvironmentVariable("MINIDOCKER_CGROUP_PARENT") is { Length: > 0 } p ? p : null;

        /// <summary>The mdhelper binary: MINIDOCKER_HELPER, else the one for this architecture next to this assembly (runtimes/RID/mdhelper).</summary>
        public string HelperPath { get; set; } =
            Environment.GetEnvironmentVariable("MINIDOCKER_HELPER") is { Length: > 0 } h
                ? h
                : HelperBinary.DefaultPath(Path.GetDirectoryName(typeof(EngineOptions).Assembly.Location) ?? ".");

        /// <summary>
        /// Run state that dies with the host (the monitors' exit files): MINIDOCKER_RUN_ROOT overrides
        /// /run/minidocker (rootless: $XDG_RUNTIME_DIR/minidocker, else /tmp/minidocker-run-UID).
        /// On tmpfs the monitor's fsyncs cost nothing; after a reboot no container runs anyway.
        /// </summary>
        public string RunRoot { get; set; } =
            Environment.GetEnvironmentVariable("MINIDOCKER_RUN_ROOT") is { Length: > 0 } rr ? rr : Rootless.RootlessMode.DefaultRunRoot();

        /// <summary>
        /// The log size cap: the monitor rotates a container's log to container.log.1 when it reaches
        /// this many bytes, so at most twice this is kept. MINIDOCKER_LOG_MAX_BYTES overrides 16 MiB.
        /// </summary>
        public long LogMaxBytes { get; set; } =
            long.TryParse(Environment.GetEnvironmentVariable("MINIDOCKER_LOG_MAX_BYTES"), out var m) && m > 0 ? m : 16L << 20;

        /// <summary>
        /// The network of a container made without -Network: "bridge" as with Docker and Podman (where the kernel
        /// cannot make it the start fails with BridgeNotSupported, naming -Network none); "none" rootless, which has no
        /// bridge; MINIDOCKER_DEFAULT_NETWORK overrides.
        /// </summary>
        public string DefaultNetwork { get; set; } =
            Environment.GetEnvironmentVariable("MINIDOCKER_DEFAULT_NETWORK") is { Length: > 0 } n ? n : Rootless.RootlessMode.IsRootless ? "none" : "bridge";

        /// <summary>
        /// Told each step the engine takes (cgroup paths, the launch plan, timings), for a caller's verbose output.
        /// Called on the thread that called the engine, or on a worker thread of an operation that runs several at once.
        /// </summary>
        public Action<string>? Trace { get; set; }

        /// <summary>How mdhelper is started; null (the default): the binary at <see cref="HelperPath"/>. Unit tests put a stand-in here.</summary>
        public IHelperRunner? HelperRunner { get; set; }

        /// <summary>The cgroup driver; null (the default): the one for this host's cgroup mode, detected on first use.</summary>
        public Cgroups.ICgroupDriver? CgroupDriver { get; set; }

        public string ContainersRoot => Path.Combine(StateRoot, "containers");
        public string SeccompCacheRoot => Path.Combine(StateRoot, "seccomp");
        public string RunContainersRoot => Path.Combine(RunRoot, "containers");
    }
}
