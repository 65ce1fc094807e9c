using System;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>SIGTERM to the container's PID 1; after -Timeout seconds, SIGKILL to everything in its cgroup.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class StopMiniContainerCommand : ContainerCmdlet
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
                if (!ShouldProcess(c.Name, "Stop container")) continue;
                Container? stopped = null;
                if (Try(() => stopped = Engine.Stop(c.Id, TimeSpan.FromSeconds(Timeout), Cancellation), c) && PassThru)
                    WriteObject(stopped);
            }
        }
    }
}
