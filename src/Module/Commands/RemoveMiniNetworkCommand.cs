using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Removes a network and its bridge; refuses while containers use it unless -Force (which removes them).</summary>
    [Cmdlet(VerbsCommon.Remove, "MiniNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    public sealed class RemoveMiniNetworkCommand : MiniDockerCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(NetworkNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>Remove the containers that use the network too (running ones are killed).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var n in Name)
                if (ShouldProcess(n, Force ? "Remove network and its containers" : "Remove network"))
                    Try(() => Engine.RemoveNetwork(n, Force), n);
        }
    }
}
