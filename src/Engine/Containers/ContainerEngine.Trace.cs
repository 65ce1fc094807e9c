using System.Linq;
using MiniDocker.Engine.Launch;

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        /// <summary>One step of what the engine does, for EngineOptions.Trace (a cmdlet's -Verbose).</summary>
        private void Trace(string message) => _options.Trace?.Invoke(message);

        /// <summary>"N steps: hostname, mount x12, ..." in plan order, so a reader sees what the helper will do without the paths.</summary>
        internal static string Summarize(LaunchPlan plan) =>
            $"{plan.Directives.Count} steps: " + string.Join(", ", plan.Directives.GroupBy(d => d[0]).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} x{g.Count()}"));
    }
}
