using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Freezes every process of a running container (cgroup freezer); its state becomes Paused.</summary>
    [Cmdlet(VerbsLifecycle.Suspend, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class SuspendMiniContainerCommand : ContainerCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, "Pause container")) continue;
                Container? paused = null;
                if (Try(() => paused = Engine.Pause(c.Id), c) && PassThru) WriteObject(paused);
            }
        }
    }
}
