using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>docker diff: the paths a container added, changed or deleted against its image or rootfs folder.</summary>
    [Cmdlet(VerbsCommon.Get, "MiniContainerChange", DefaultParameterSetName = ByName)]
    [OutputType(typeof(ContainerChange))]
    public sealed class GetMiniContainerChangeCommand : ContainerCmdlet
    {
        /// <summary>Only changes of these kinds.</summary>
        [Parameter]
        public ChangeKind[]? Kind { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                System.Collections.Generic.IReadOnlyList<ContainerChange>? changes = null;
                if (!Try(() => changes = Engine.Diff(c.Id), c) || changes == null) continue;
                foreach (var change in changes)
                {
                    if (Kind != null && System.Array.IndexOf(Kind, change.Kind) < 0) continue;
                    var o = PSObject.AsPSObject(change);
                    o.Properties.Add(new PSNoteProperty("ContainerName", c.Name));
                    WriteObject(o);
                }
            }
        }
    }
}
