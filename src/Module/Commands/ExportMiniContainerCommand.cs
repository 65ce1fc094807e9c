using System;
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
                    string dir = System.IO.Path.GetDirectoryName(path) ?? "/";
                    if (Directory.Exists(path))
                        throw new MiniDockerException("ExportPathIsDirectory", FailureKind.InvalidArgument, $"'{path}' is a directory; give the tar file to write, e.g. {System.IO.Path.Combine(path, c.Name + ".tar")}.", c);
                    if (!Directory.Exists(dir))
                        throw new MiniDockerException("ExportDirectoryNotFound", FailureKind.ObjectNotFound, $"Cannot export container '{c.Name}' to '{path}': the folder '{dir}' does not exist; create it first.", c);
                    try
                    {
                        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
                            Engine.Export(c.Id, f);
                        File.Move(temp, path, overwrite: true);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw new MiniDockerException("ExportWriteFailed", FailureKind.WriteError, $"Cannot write the export of container '{c.Name}' to '{path}': {e.Message}", c, e);
                    }
                }, c);
                if (ok) WriteObject(new FileInfo(path));
                else File.Delete(temp);
            }
        }
    }
}
