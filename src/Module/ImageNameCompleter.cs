using System.Collections.Generic;
using System.Linq;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes image names (name:tag).</summary>
    public sealed class ImageNameCompleter : NameCompleter
    {
        protected override IEnumerable<(string Text, string ToolTip)> Candidates(string commandName, string parameterName) =>
            new ContainerEngine().ListImages().Where(i => i.Name != "<none>").Select(i => (i.ToString(), $"{i} ({i.ShortId})"));
    }
}
