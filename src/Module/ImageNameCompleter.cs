using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes image names (name:tag).</summary>
    public sealed class ImageNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            IEnumerable<Image> all;
            try { all = new ContainerEngine().ListImages(); }
            catch (MiniDockerException) { yield break; }
            foreach (var i in all.Where(i => i.Name != "<none>" && pattern.IsMatch(i.ToString())))
                yield return new CompletionResult(i.ToString(), i.ToString(), CompletionResultType.ParameterValue, $"{i} ({i.ShortId})");
        }
    }
}
