using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Imports a rootfs tarball or folder, a docker save archive or an OCI image layout into the image store.</summary>
    [Cmdlet(VerbsData.Import, "MiniImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(Image))]
    public sealed class ImportMiniImageCommand : MiniDockerCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>name[:tag]; the tag defaults to latest.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>os/arch[/variant] to take from a multi-platform OCI layout; this machine's by default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Platform { get; set; }

        protected override void ProcessRecord()
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess($"{path} as {Name}", "Import image")) return;
            string activity = $"Importing {Name}";
            try
            {
                var image = Engine.ImportImage(path, Name,
                    (done, total) =>
                    {
                        // A fresh record per update: a host may keep the records it was given (a job's Progress stream does).
                        WriteProgress(new ProgressRecord(1, activity, total > 0 ? $"{done >> 20} of {total >> 20} MB" : $"{done >> 20} MB")
                        {
                            PercentComplete = total > 0 ? (int)System.Math.Min(100, done * 100 / total) : -1,
                        });
                    },
                    WriteWarning, Cancellation, Platform);
                WriteObject(image);
            }
            catch (MiniDockerException e) { WriteError(ToErrorRecord(e, path)); }
            catch (System.OperationCanceledException) { }
            finally
            {
                WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }
}
