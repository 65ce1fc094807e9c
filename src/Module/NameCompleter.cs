using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>
    /// What the name completers share: the typed prefix (quotes stripped) as a wildcard, and silence when the
    /// engine cannot read its state. A completer only reads: a Tab press must never change state.
    /// </summary>
    public abstract class NameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            List<(string Text, string ToolTip)> all;
            try { all = Candidates(commandName, parameterName).ToList(); }
            // A user who may not read the state (not root) gets no names, not an error under the prompt.
            catch (System.Exception e) when (e is MiniDockerException or System.IO.IOException or System.UnauthorizedAccessException) { yield break; }
            foreach (var (text, toolTip) in all.Where(c => pattern.IsMatch(c.Text)))
                yield return new CompletionResult(text, text, CompletionResultType.ParameterValue, toolTip);
        }

        /// <summary>Every name COMMAND's PARAMETER could take, with its tooltip.</summary>
        protected abstract IEnumerable<(string Text, string ToolTip)> Candidates(string commandName, string parameterName);
    }
}
