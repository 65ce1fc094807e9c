using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using MiniDocker.Engine;
using MiniDocker.Engine.Registry;

namespace MiniDocker.Commands
{
    /// <summary>Writes stored images to a docker save archive or an OCI layout (docker save).</summary>
    [Cmdlet(VerbsData.Save, "MiniImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Export-MiniImage")]
    [OutputType(typeof(FileInfo), typeof(DirectoryInfo))]
    public sealed class SaveMiniImageCommand : MiniDockerCmdlet
    {
        private readonly List<string> _names = new();

        /// <summary>Stored images: name[:tag] or id prefix; Image objects bind through ToString. All go into one archive.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>The tar file (DockerArchive, OciArchive) or folder (OciLayout) to write.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [Alias("Output")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter]
        public ImageArchiveFormat Format { get; set; } = ImageArchiveFormat.DockerArchive;

        protected override void ProcessRecord() => _names.AddRange(Name);

        protected override void EndProcessing()
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (_names.Count == 0 || !ShouldProcess($"{string.Join(", ", _names)} to {path}", $"Save image ({Format})")) return;
            var options = new PullOptions();
            try
            {
                new PullReporter(this, $"Saving {string.Join(", ", _names)}").Run(options, () => Engine.SaveImages(_names, path, Format, options.Progress, Cancellation));
                WriteObject(Format == ImageArchiveFormat.OciLayout ? new DirectoryInfo(path) : new FileInfo(path));
            }
            catch (MiniDockerException e) { WriteError(ToErrorRecord(e, _names.Count == 1 ? _names[0] : path)); }
            catch (System.OperationCanceledException) { }
        }
    }
}
