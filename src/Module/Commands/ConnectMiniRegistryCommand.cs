using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Checks credentials with a registry and records them for pulls (docker login).</summary>
    [Cmdlet(VerbsCommunications.Connect, "MiniRegistry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Login-MiniRegistry")]
    [OutputType(typeof(PSObject))]
    public sealed class ConnectMiniRegistryCommand : MiniDockerCmdlet
    {
        /// <summary>host[:port]; Docker Hub by default.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Registry { get; set; } = "docker.io";

        [Parameter(Mandatory = true, Position = 1)]
        [Credential]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        [Parameter]
        public SwitchParameter Insecure { get; set; }

        protected override void ProcessRecord()
        {
            var credential = ReceiveMiniImageCommand.ToRegistryCredential(Credential);
            if (credential == null || !ShouldProcess(Registry, $"Log in as '{Credential.UserName}'")) return;
            try
            {
                // The engine reports from HTTP threads; the cmdlet writes on its own thread afterwards.
                var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
                string file;
                try { file = Engine.LoginRegistry(Registry, credential, Insecure, said.Enqueue, Cancellation); }
                finally { foreach (var m in said) WriteVerbose(m); }
                var result = new PSObject();
                result.Properties.Add(new PSNoteProperty("Registry", MiniDocker.Engine.Registry.ImageReference.NormalizeRegistry(Registry)));
                result.Properties.Add(new PSNoteProperty("UserName", Credential.UserName));
                result.Properties.Add(new PSNoteProperty("CredentialFile", file));
                WriteObject(result);
            }
            catch (MiniDockerException e) { WriteError(ToErrorRecord(e, Registry)); }
            catch (System.OperationCanceledException) { }
        }
    }
}
