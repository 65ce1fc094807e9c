using System.Collections.Generic;
using System.Linq;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes container names for -Name, offering only those the command can act on (Stop: running ones, Start: stopped ones).</summary>
    public sealed class ContainerNameCompleter : NameCompleter
    {
        protected override IEnumerable<(string Text, string ToolTip)> Candidates(string commandName, string parameterName)
        {
            var fits = StatesFor(commandName);
            // Records only: a Tab press must not reconcile (write records, remove cgroups).
            return new ContainerEngine().ListRecords().Where(c => fits == null || fits.Contains(c.State))
                .Select(c => (c.Name, $"{c.Name} ({c.State}, {c.ShortId})"));
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
