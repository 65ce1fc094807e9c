using System.Linq;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Lists networks (docker network ls), each with its subnet, bridge and attached containers.</summary>
    [Cmdlet(VerbsCommon.Get, "MiniNetwork")]
    [OutputType(typeof(Network))]
    public sealed class GetMiniNetworkCommand : MiniDockerCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NetworkNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            Try(() =>
            {
                var all = Engine.ListNetworks();
                if (Name == null) { WriteObject(all, enumerateCollection: true); return; }
                foreach (var n in Name)
                {
                    var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                    var matches = all.Where(x => pattern.IsMatch(x.Name)).ToList();
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(n))
                        WriteError(new ErrorRecord(new ItemNotFoundException($"There is no network '{n}'."), "NetworkNotFound", ErrorCategory.ObjectNotFound, n));
                    WriteObject(matches, enumerateCollection: true);
                }
            });
        }
    }
}
