using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes container names for -Name.</summary>
    public sealed class ContainerNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            IEnumerable<Container> all;
            try { all = new ContainerEngine().List(); }
            catch (MiniDockerException) { yield break; }
            foreach (var c in all.Where(c => pattern.IsMatch(c.Name)))
                yield return new CompletionResult(c.Name, c.Name, CompletionResultType.ParameterValue, $"{c.Name} ({c.State}, {c.ShortId})");
        }
    }
}
