using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Creates a container from a root filesystem folder; nothing runs until Start-MiniContainer.</summary>
    [Cmdlet(VerbsCommon.New, "MiniContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(Container))]
    public sealed class NewMiniContainerCommand : MiniDockerCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string RootFs { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1)]
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

        /// <summary>Run a small init as PID 1 that forwards signals to the command and reaps orphans.</summary>
        [Parameter]
        public SwitchParameter Init { get; set; }

        protected override void ProcessRecord()
        {
            var spec = new ContainerSpec
            {
                RootFs = SessionState.Path.GetUnresolvedProviderPathFromPSPath(RootFs),
                Command = Command,
                Name = Name,
                Hostname = Hostname,
                WorkingDirectory = WorkingDirectory,
                Init = Init,
            };
            if (Environment != null)
            {
                var env = new Dictionary<string, string>();
                foreach (DictionaryEntry kv in Environment) env[kv.Key.ToString() ?? ""] = kv.Value?.ToString() ?? "";
                spec.Environment = env;
            }
            if (!ShouldProcess($"{string.Join(" ", Command)} in {spec.RootFs}", "Create container")) return;
            try { WriteObject(Engine.Create(spec)); }
            catch (MiniDockerException e) { ThrowTerminatingError(ToErrorRecord(e)); }
        }
    }
}
