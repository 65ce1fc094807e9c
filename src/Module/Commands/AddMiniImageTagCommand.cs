using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Gives a stored image another name:tag (docker tag).</summary>
    [Cmdlet(VerbsCommon.Add, "MiniImageTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Tag-MiniImage")]
    [OutputType(typeof(Image))]
    public sealed class AddMiniImageTagCommand : MiniDockerCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Tag { get; set; } = "";

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Name, $"Tag as {Tag}")) return;
            try { WriteObject(Engine.TagImage(Name, Tag)); }
            catch (MiniDockerException e) { WriteError(ToErrorRecord(e, Name)); }
        }
    }
}
