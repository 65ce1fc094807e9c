using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Creates a bridge network (docker network create); its bridge appears when its first container starts.</summary>
    [Cmdlet(VerbsCommon.New, "MiniNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(Network))]
    public sealed class NewMiniNetworkCommand : MiniDockerCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>IPv4 subnet, e.g. 10.90.0.0/24; default: a free /24 from 10.89.0.0 up that no host route uses.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Subnet { get; set; }

        /// <summary>The bridge's address; default: the subnet's first host address.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Gateway { get; set; }

        /// <summary>No way out: no default route, no masquerade, nothing forwarded off the bridge.</summary>
        [Parameter]
        public SwitchParameter Internal { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Name, "Create network")) return;
            try
            {
                var n = Engine.CreateNetwork(Name, Subnet, Gateway, Internal);
                if (!n.DnsEnabled) WriteWarning($"aardvark-dns is not installed: containers on '{n.Name}' will not resolve each other by name (Debian/Ubuntu: apt-get install aardvark-dns, then make the network again).");
                WriteObject(n);
            }
            catch (MiniDocker.Engine.MiniDockerException e) { ThrowTerminatingError(ToErrorRecord(e, Name)); }
        }
    }
}
