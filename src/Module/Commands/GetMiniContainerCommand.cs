using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Lists containers, each reconciled with the kernel (a vanished process is reported as it is).</summary>
    [Cmdlet(VerbsCommon.Get, "MiniContainer", DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class GetMiniContainerCommand : ContainerCmdlet
    {
        [Parameter]
        public ContainerState[]? State { get; set; }

        /// <summary>Only containers on these networks (none, host, bridge or a network's name).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(NetworkNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Network { get; set; }

        protected override bool NameOptional => true;

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
                if ((State == null || System.Array.IndexOf(State, c.State) >= 0) && (Network == null || System.Array.IndexOf(Network, c.Network) >= 0))
                    WriteObject(c);
        }
    }
}
