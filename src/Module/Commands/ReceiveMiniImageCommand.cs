using System.Linq;
using System.Management.Automation;
using System.Net;
using MiniDocker.Engine;
using MiniDocker.Engine.Registry;

namespace MiniDocker.Commands
{
    /// <summary>Pulls images from a registry into the image store (docker pull).</summary>
    [Cmdlet(VerbsCommunications.Receive, "MiniImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Pull-MiniImage", "Request-MiniImage")]
    [OutputType(typeof(Image))]
    public sealed class ReceiveMiniImageCommand : MiniDockerCmdlet
    {
        /// <summary>alpine, alpine:3.20, docker.io/library/alpine@sha256:..., localhost:5000/x/y:tag.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>os/arch[/variant] to take from a multi-platform image; this machine's by default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Platform { get; set; }

        /// <summary>Plain HTTP instead of HTTPS (a loopback registry falls back to it by itself).</summary>
        [Parameter]
        public SwitchParameter Insecure { get; set; }

        /// <summary>Instead of the credentials recorded by Connect-MiniRegistry or docker login.</summary>
        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Every tag of the repository (docker pull --all-tags); Name is then a repository without tag or digest.</summary>
        [Parameter]
        public SwitchParameter AllTags { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var repository in Name)
            {
                var names = new[] { repository };
                if (AllTags)
                {
                    var list = new PullOptions { Insecure = Insecure, Credential = ToRegistryCredential(Credential) };
                    try { names = new PullReporter(this, $"Listing the tags of {repository}").Run(list, () => Engine.ListRegistryTags(repository, list, Cancellation)).ToArray(); }
                    catch (MiniDockerException e) { WriteError(ToErrorRecord(e, repository)); continue; }
                    catch (System.OperationCanceledException) { return; }
                }
                foreach (var name in names)
                {
                    if (!ShouldProcess(name, "Pull image")) continue;
                    var options = new PullOptions { Platform = Platform, Insecure = Insecure, Credential = ToRegistryCredential(Credential) };
                    try { WriteObject(new PullReporter(this, $"Pulling {name}").Run(options, () => Engine.PullImage(name, options, Cancellation))); }
                    catch (MiniDockerException e) { WriteError(ToErrorRecord(e, name)); }
                    catch (System.OperationCanceledException) { return; }
                }
            }
        }

        internal static RegistryCredential? ToRegistryCredential(PSCredential? credential) =>
            credential == null || credential == PSCredential.Empty ? null
                : new RegistryCredential(credential.UserName, new NetworkCredential("", credential.Password).Password);
    }
}
