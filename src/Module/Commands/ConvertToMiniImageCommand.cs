using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Saves a stopped container as a new image (docker commit): its changes become a new top layer.</summary>
    [Cmdlet(VerbsData.ConvertTo, "MiniImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Image))]
    public sealed class ConvertToMiniImageCommand : ContainerCmdlet
    {
        /// <summary>name[:tag] of the new image.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string ImageName { get; set; } = "";

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
                if (ShouldProcess(c.Name, $"Save container as image {ImageName}"))
                    Try(() => WriteObject(Engine.Commit(c.Id, ImageName, WriteWarning, Cancellation)), c);
        }
    }
}
