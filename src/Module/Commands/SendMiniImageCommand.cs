using System.Management.Automation;
using MiniDocker.Engine;
using MiniDocker.Engine.Registry;

namespace MiniDocker.Commands
{
    /// <summary>Pushes a stored image to a registry (docker push).</summary>
    [Cmdlet(VerbsCommunications.Send, "MiniImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [Alias("Push-MiniImage")]
    [OutputType(typeof(Image))]
    public sealed class SendMiniImageCommand : MiniDockerCmdlet
    {
        /// <summary>The stored image: name[:tag] or id prefix; Image objects bind by their Name and Tag through ToString.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(ImageNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>registry[:port]/repository:tag to push to; the image's own name when omitted.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Destination { get; set; }

        [Parameter]
        public SwitchParameter Insecure { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        protected override void ProcessRecord()
        {
            string target = Destination ?? Name;
            if (!ShouldProcess($"{Name} to {target}", "Push image")) return;
            var options = new PullOptions { Insecure = Insecure, Credential = ReceiveMiniImageCommand.ToRegistryCredential(Credential) };
            try { WriteObject(new PullReporter(this, $"Pushing {Name} to {target}").Run(options, () => Engine.PushImage(Name, Destination, options, Cancellation))); }
            catch (MiniDockerException e) { WriteError(ToErrorRecord(e, Name)); }
            catch (System.OperationCanceledException) { }
        }
    }
}
