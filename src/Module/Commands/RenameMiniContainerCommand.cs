using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Gives a container a new name (docker rename), under the same rules and uniqueness as New-MiniContainer -Name.</summary>
    [Cmdlet(VerbsCommon.Rename, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class RenameMiniContainerCommand : ContainerCmdlet
    {
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string NewName { get; set; } = "";

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, $"Rename container to '{NewName}'")) continue;
                Container? renamed = null;
                if (Try(() => renamed = Engine.Rename(c.Id, NewName), c) && PassThru) WriteObject(renamed);
            }
        }
    }
}
