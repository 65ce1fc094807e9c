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
                string temp = path + ".tmp-" + System.Environment.ProcessId;
                bool ok = Try(() =>
                {
                    using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                        Engine.Export(c.Id, f);
                    File.Move(temp, path, overwrite: true);
                }, c);
                if (ok) WriteObject(new FileInfo(path));
                else File.Delete(temp);
            }
        }
    }
}
