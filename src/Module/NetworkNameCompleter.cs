using System.Collections.Generic;
using System.Linq;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes network names (and the modes none and host for -Network).</summary>
    public sealed class NetworkNameCompleter : NameCompleter
    {
        protected override IEnumerable<(string Text, string ToolTip)> Candidates(string commandName, string parameterName)
        {
            var names = new ContainerEngine().ListNetworkNames().ToList();
            if (parameterName == "Network") names.AddRange(new[] { "none", "host" });
            return names.Select(n => (n, n));
        }
    }
}
