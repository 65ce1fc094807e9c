using System.Collections.Generic;

namespace MiniDocker.Engine.Containers
{
    /// <summary>What the user asked for in New-MiniContainer. An empty Command takes the image's Entrypoint and Cmd.</summary>
    public sealed class ContainerSpec
    {
        /// <summary>A rootfs folder; exactly one of RootFs and Image.</summary>
        public string RootFs { get; set; } = "";
        /// <summary>An imported image (name[:tag] or id prefix); its config gives the defaults.</summary>
        public string? Image { get; set; }
        /// <summary>hostPath:containerPath[:OPTIONS] bind mounts, OPTIONS comma-separated: ro or rw, suid.</summary>
        public string[] Volumes { get; set; } = System.Array.Empty<string>();
        /// <summary>hostDevice[:containerPath][:rwm] device nodes passed in (docker --device).</summary>
        public string[] Devices { get; set; } = System.Array.Empty<string>();
        /// <summary>
        /// Makes a host path in Volumes, Devices or seccomp=PROFILE absolute once the engine has parsed it out of its
        /// option (a caller whose current folder is not the process's, as pwsh's location, resolves against its own);
        /// null: Path.GetFullPath.
        /// </summary>
        public System.Func<string, string>? HostPathResolver { get; set; }
        internal string HostPath(string path) => System.IO.Path.GetFullPath(HostPathResolver?.Invoke(path) ?? path);
        /// <summary>Container paths that get a fresh tmpfs.</summary>
        public string[] Tmpfs { get; set; } = System.Array.Empty<string>();
        public string[] Command { get; set; } = System.Array.Empty<string>();
        public string? Name { get; set; }
        public string? Hostname { get; set; }
        public IDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();
        public string? WorkingDirectory { get; set; }
        public bool Init { get; set; }
        /// <summary>docker run --rm: the container goes, with everything it owns, once it has stopped.</summary>
        public bool AutoRemove { get; set; }
        /// <summary>Limits as given; validated in Create against the defaults (e.g. PidsLimit 4096).</summary>
        public LimitRequest Limits { get; set; } = new();

        // Security (SecurityPolicy turns these into the container's SecuritySettings).
        public string[] CapAdd { get; set; } = System.Array.Empty<string>();
        public string[] CapDrop { get; set; } = System.Array.Empty<string>();
        public bool Privileged { get; set; }
        public string[] SecurityOpt { get; set; } = System.Array.Empty<string>();
        public string[] Ulimits { get; set; } = System.Array.Empty<string>();
        public string? User { get; set; }
        public bool ReadOnly { get; set; }

        // Networking (ContainerEngine.Networks.cs).
        /// <summary>none, host, bridge or a network's name; null takes EngineOptions.DefaultNetwork.</summary>
        public string? Network { get; set; }
        public string[] Publish { get; set; } = System.Array.Empty<string>();
        public string[] Dns { get; set; } = System.Array.Empty<string>();
        public string[] AddHost { get; set; } = System.Array.Empty<string>();
        public string[] NetworkAlias { get; set; } = System.Array.Empty<string>();
    }
}
