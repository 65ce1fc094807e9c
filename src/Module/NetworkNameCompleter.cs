using System.Collections.Generic;
using System.Linq;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes network names (and, for -Network, the modes that are not networks).</summary>
    public sealed class NetworkNameCompleter : NameCompleter
    {
        protected override IEnumerable<(string Text, string ToolTip)> Candidates(string commandName, string parameterName)
        {
            var names = new ContainerEngine().ListNetworkNames().ToList();
            if (parameterName == "Network") names.AddRange(new[] { "none", "host", "pasta", "slirp4netns" });   // the last two are rootless
            return names.Select(n => (n, n));
        }
    }
}
