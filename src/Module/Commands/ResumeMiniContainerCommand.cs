using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Thaws a paused container; its state becomes Running again.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class ResumeMiniContainerCommand : ContainerCmdlet
    {
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, "Resume container")) continue;
                Container? resumed = null;
                if (Try(() => resumed = Engine.Unpause(c.Id), c) && PassThru) WriteObject(resumed);
            }
        }
    }
}
