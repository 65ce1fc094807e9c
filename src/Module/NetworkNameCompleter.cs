using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes network names (and the modes none and host for -Network).</summary>
    public sealed class NetworkNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            List<string> names;
            try { names = new ContainerEngine().ListNetworkNames().ToList(); }
            catch (MiniDockerException) { yield break; }
            if (parameterName == "Network") names.AddRange(new[] { "none", "host" });
            foreach (var n in names.Where(n => pattern.IsMatch(n)))
                yield return new CompletionResult(n, n, CompletionResultType.ParameterValue, n);
        }
    }
}
