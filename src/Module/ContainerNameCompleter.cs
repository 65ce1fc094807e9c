using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes container names for -Name, offering only those the command can act on (Stop: running ones, Start: stopped ones).</summary>
    public sealed class ContainerNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            IEnumerable<Container> all;
            // Records only: a Tab press must not reconcile (write records, remove cgroups).
            try { all = new ContainerEngine().ListRecords(); }
            catch (MiniDockerException) { yield break; }
            var fits = StatesFor(commandName);
            foreach (var c in all.Where(c => pattern.IsMatch(c.Name) && (fits == null || fits.Contains(c.State))))
                yield return new CompletionResult(c.Name, c.Name, CompletionResultType.ParameterValue, $"{c.Name} ({c.State}, {c.ShortId})");
        }

        /// <summary>The states a container must be in for COMMAND (by its verb-noun, also module-qualified); null: any.</summary>
        internal static ContainerState[]? StatesFor(string? command) => command?.Split('\\').Last().ToLowerInvariant() switch
        {
            "start-minicontainer" => new[] { ContainerState.Created, ContainerState.Exited, ContainerState.Dead },
            "stop-minicontainer" => new[] { ContainerState.Running, ContainerState.Paused },
            "suspend-minicontainer" or "invoke-minicontainer" or "enter-minicontainer" or "get-minicontainerstat" => new[] { ContainerState.Running },
            "resume-minicontainer" => new[] { ContainerState.Paused },
            _ => null,
        };
    }
}
