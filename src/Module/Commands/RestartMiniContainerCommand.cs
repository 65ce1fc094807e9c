using System;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>docker restart: stops a running container (SIGTERM, SIGKILL after -Timeout) and starts it again; a stopped one is started.</summary>
    [Cmdlet(VerbsLifecycle.Restart, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class RestartMiniContainerCommand : ContainerCmdlet
    {
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Timeout { get; set; } = 10;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, "Restart container")) continue;
                Container? restarted = null;
                if (Try(() => restarted = Engine.Restart(c.Id, TimeSpan.FromSeconds(Timeout), Cancellation), c) && PassThru) WriteObject(restarted);
                if (Cancellation.IsCancellationRequested) return;
            }
        }
    }
}
