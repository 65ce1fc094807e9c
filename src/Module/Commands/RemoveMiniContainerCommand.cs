using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Deletes containers and everything they own (cgroups, overlay layer, log, state).</summary>
    [Cmdlet(VerbsCommon.Remove, "MiniContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
    public sealed class RemoveMiniContainerCommand : ContainerCmdlet
    {
        /// <summary>Kill a running container before removing it.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
                if (ShouldProcess(c.Name, "Remove container"))
                    Try(() => Engine.Remove(c.Id, Force), c);
        }
    }
}
