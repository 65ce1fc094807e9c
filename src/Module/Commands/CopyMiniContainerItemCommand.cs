using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>
    /// docker cp: copies a file or folder out of a container (default) or, with -ToContainer, into it; running or
    /// stopped. Container paths resolve inside the container's root, whatever symlinks its processes planted.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "MiniContainerItem", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    public sealed class CopyMiniContainerItemCommand : ContainerCmdlet
    {
        /// <summary>What to copy: a path in the container, or with -ToContainer a path on the host.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>Where to: a host path, or with -ToContainer a path in the container. An existing folder receives the item under its own name.</summary>
        [Parameter(Mandatory = true, Position = 2)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = "";

        /// <summary>Copy from the host into the container (-Path on the host, -Destination in the container).</summary>
        [Parameter]
        public SwitchParameter ToContainer { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (ToContainer)
                {
                    string source = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                    if (ShouldProcess(c.Name, $"Copy '{source}' to '{Destination}' in the container"))
                        Try(() => Engine.CopyToContainer(c.Id, source, Destination, WriteWarning), c);
                }
                else
                {
                    string dest = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
                    if (ShouldProcess(c.Name, $"Copy '{Path}' from the container to '{dest}'"))
                        Try(() => Engine.CopyFromContainer(c.Id, Path, dest, WriteWarning), c);
                }
            }
        }
    }
}
