using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Forgets the credentials recorded for a registry (docker logout).</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "MiniRegistry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Logout-MiniRegistry")]
    public sealed class DisconnectMiniRegistryCommand : MiniDockerCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Registry { get; set; } = "docker.io";

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Registry, "Forget credentials")) return;
            try
            {
                if (!Engine.LogoutRegistry(Registry)) WriteWarning($"No credentials were recorded for '{Registry}'.");
            }
            catch (MiniDockerException e) { WriteError(ToErrorRecord(e, Registry)); }
        }
    }
}
