using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Completes -Signal with the signal names (HUP, INT, KILL, ...).</summary>
    public sealed class SignalCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(wordToComplete, Signals.ByName.Select(kv => (kv.Key, $"SIG{kv.Key} ({kv.Value})")));
    }
}
