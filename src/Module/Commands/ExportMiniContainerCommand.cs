using System.IO;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Writes a container's filesystem (its image or rootfs with its changes applied) as a tar file.</summary>
    [Cmdlet(VerbsData.Export, "MiniContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ByName)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportMiniContainerCommand : ContainerCmdlet
    {
        /// <summary>The tar file to write (replaced if it exists).</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        protected override void ProcessRecord()
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, $"Export container to {path}")) continue;
                if (Try(() => Engine.ExportToFile(c.Id, path), c)) WriteObject(new FileInfo(path));
            }
        }
    }
}
