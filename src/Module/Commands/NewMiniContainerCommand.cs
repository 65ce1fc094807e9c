using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Creates a container from a root filesystem folder or an imported image; nothing runs until Start-MiniContainer.</summary>
    [Cmdlet(VerbsCommon.New, "MiniContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = "RootFs")]
    [OutputType(typeof(Container))]
    public sealed class NewMiniContainerCommand : MiniDockerCmdlet, ILimitParameters
    {
        [Parameter(ParameterSetName = "RootFs", Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string RootFs { get; set; } = "";

        /// <summary>An imported image (name[:tag] or id prefix, or an image from Get-MiniImage through the pipeline); its Entrypoint, Cmd, Env and WorkingDir are the defaults.</summary>
        [Parameter(ParameterSetName = "Image", Mandatory = true, ValueFromPipeline = true)]
        [ImageReferenceTransformation]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Image { get; set; }

        /// <summary>The command; with -Image it replaces the image's Cmd (after its Entrypoint) and may be omitted.</summary>
        [Parameter(ParameterSetName = "RootFs", Mandatory = true, Position = 1)]
        [Parameter(ParameterSetName = "Image", Position = 1)]
        [AllowEmptyCollection]
        [AllowEmptyString]
        public string[] Command { get; set; } = System.Array.Empty<string>();

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Hostname { get; set; }

        [Parameter]
        public Hashtable? Environment { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkingDirectory { get; set; }

        /// <summary>hostPath:containerPath[:OPTIONS] bind mounts (OPTIONS: ro or rw, suid); the host path must exist.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Volume { get; set; }

        /// <summary>Host device nodes passed in, as docker --device: hostDevice[:containerPath][:rwm].</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Device { get; set; }

        /// <summary>Container paths that get a fresh tmpfs (nosuid, nodev, noexec, mode 1777).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Tmpfs { get; set; }

        /// <summary>Run a small init as PID 1 that forwards signals to the command and reaps orphans.</summary>
        [Parameter]
        public SwitchParameter Init { get; set; }

        /// <summary>docker run --rm: the container and everything it owns go once it has stopped.</summary>
        [Parameter]
        public SwitchParameter AutoRemove { get; set; }

        /// <summary>Memory limit: bytes, or 512MB / "512m" / "1.5g" (1024-based). At least 6 MB.</summary>
        [Parameter]
        [SizeTransformation]
        [ArgumentCompleter(typeof(SizeExampleCompleter))]
        public SizeValue? Memory { get; set; }

        /// <summary>Memory plus swap (docker's --memory-swap); -1 for unlimited swap; default: no swap.</summary>
        [Parameter]
        [SizeTransformation]
        [ArgumentCompleter(typeof(SizeExampleCompleter))]
        public SizeValue? MemorySwap { get; set; }

        /// <summary>CPU bandwidth in CPUs: 0.5 is half of one CPU (CFS quota 50000 per 100000 us period).</summary>
        [Parameter]
        public double? Cpus { get; set; }

        /// <summary>Relative CPU weight, v1 scale 2-262144 (default 1024); on cgroup v2 mapped to cpu.weight as crun does.</summary>
        [Parameter]
        public long? CpuShares { get; set; }

        /// <summary>CPUs the container may run on, e.g. 0-1,3.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CpusetCpus { get; set; }

        /// <summary>Most processes at once; default 4096; -1 for unlimited.</summary>
        [Parameter]
        public long? PidsLimit { get; set; }

        /// <summary>Capabilities on top of Docker's 14 defaults: NET_ADMIN, CAP_NET_ADMIN or ALL.</summary>
        [Parameter]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(CapabilityCompleter))]
        public string[] CapAdd { get; set; } = System.Array.Empty<string>();

        /// <summary>Capabilities to remove from the defaults; ALL starts from none (then -CapAdd applies).</summary>
        [Parameter]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(CapabilityCompleter))]
        public string[] CapDrop { get; set; } = System.Array.Empty<string>();

        /// <summary>All capabilities, no seccomp filter, no masked or read-only paths, /sys writable; still in its own namespaces.</summary>
        [Parameter]
        public SwitchParameter Privileged { get; set; }

        /// <summary>seccomp=unconfined, seccomp=PROFILE.json (Docker's format), no-new-privileges[=true|false].</summary>
        [Parameter]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(SecurityOptCompleter))]
        public string[] SecurityOpt { get; set; } = System.Array.Empty<string>();

        /// <summary>Resource limits as NAME=SOFT[:HARD], e.g. nofile=1024:524288 (the default for nofile).</summary>
        [Parameter]
        [ValidateNotNull]
        [ArgumentCompleter(typeof(UlimitCompleter))]
        public string[] Ulimit { get; set; } = System.Array.Empty<string>();

        /// <summary>UID[:GID] or NAME[:GROUP] from the root filesystem's /etc/passwd and /etc/group.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ContainerUserCompleter))]
        public string? User { get; set; }

        /// <summary>With -Image: pull it from its registry when it is not in the store (Missing), every time (Always) or never.</summary>
        [Parameter(ParameterSetName = "Image")]
        public PullPolicy Pull { get; set; } = PullPolicy.Missing;

        /// <summary>Mount the container's root filesystem read-only (/dev, /dev/shm and /proc keep their modes).</summary>
        [Parameter]
        public SwitchParameter ReadOnly { get; set; }

        /// <summary>none (only lo), host (the host's network stack), bridge (the default network), a network from New-MiniNetwork, or pasta/slirp4netns (rootless).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(NetworkNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Network { get; set; }

        /// <summary>[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp], ranges as 8080-8081:80-81 (docker -p).</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] Publish { get; set; } = System.Array.Empty<string>();

        /// <summary>DNS servers for /etc/resolv.conf instead of the host's.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] Dns { get; set; } = System.Array.Empty<string>();

        /// <summary>NAME:IP lines for /etc/hosts.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] AddHost { get; set; } = System.Array.Empty<string>();

        /// <summary>More names the container has on its user network's DNS (besides its name).</summary>
        [Parameter]
        [ValidateNotNull]
        public string[] NetworkAlias { get; set; } = System.Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var spec = new ContainerSpec
            {
                RootFs = Image == null ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(RootFs) : "",
                Image = Image,
                Command = Command,
                Volumes = Volume ?? System.Array.Empty<string>(),
                Tmpfs = Tmpfs ?? System.Array.Empty<string>(),
                Devices = Device ?? System.Array.Empty<string>(),
                Name = Name,
                Hostname = Hostname,
                WorkingDirectory = WorkingDirectory,
                Init = Init,
                AutoRemove = AutoRemove,
                Limits = this.ToLimitRequest(),
                CapAdd = CapAdd,
                CapDrop = CapDrop,
                Privileged = Privileged,
                SecurityOpt = SecurityOpt,
                // The engine parses the options; a host path in them is relative to PowerShell's location (and ~ is home).
                HostPathResolver = SessionState.Path.GetUnresolvedProviderPathFromPSPath,
                Ulimits = Ulimit,
                User = User,
                ReadOnly = ReadOnly,
                Network = Network,
                Publish = Publish,
                Dns = Dns,
                AddHost = AddHost,
                NetworkAlias = NetworkAlias,
            };
            if (Environment != null) spec.Environment = ToEnvironment(Environment);
            if (!ShouldProcess($"{string.Join(" ", Command)} in {(Image != null ? "image " + Image : spec.RootFs)}", "Create container")) return;
            if (Image != null && !ResolveImage()) return;
            spec.Image = Image;
            try { WriteObject(Engine.Create(spec)); }
            catch (MiniDockerException e) { ThrowTerminatingError(ToErrorRecord(e)); }
        }

        /// <summary>-Pull: the image from its registry when the policy says so; Image becomes the local name.</summary>
        private bool ResolveImage()
        {
            var options = new MiniDocker.Engine.Registry.PullOptions();
            try
            {
                Image = new PullReporter(this, $"Pulling {Image}").Run(options, () => Engine.ResolveImageForRun(Image!, Pull, options, Cancellation));
                return true;
            }
            catch (MiniDockerException e) { ThrowTerminatingError(ToErrorRecord(e)); }
            catch (System.OperationCanceledException) { }
            return false;
        }
    }
}
