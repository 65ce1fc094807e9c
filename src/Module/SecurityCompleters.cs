using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Values that start with what was typed (quotes ignored), as completion results with a tooltip each.</summary>
    internal static class Completions
    {
        public static IEnumerable<CompletionResult> Matching(string? word, IEnumerable<(string Value, string Tip)> values)
        {
            string typed = (word ?? "").Trim('\'', '"');
            foreach (var (value, tip) in values)
                if (value.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                    yield return new CompletionResult(value, value, CompletionResultType.ParameterValue, tip);
        }
    }

    /// <summary>Tab-completes -CapAdd/-CapDrop: ALL and every capability name; for -CapAdd the Docker defaults come last (they are there already).</summary>
    public sealed class CapabilityCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            bool add = parameterName.Equals("CapAdd", StringComparison.OrdinalIgnoreCase);
            var names = Capabilities.Names
                .OrderBy(n => add && Capabilities.DockerDefault.Contains(n) ? 1 : 0).ThenBy(n => n, StringComparer.Ordinal)
                .Select(n => (n, Capabilities.DockerDefault.Contains(n) ? $"CAP_{n} (a Docker default)" : $"CAP_{n}"));
            return Completions.Matching(wordToComplete, names.Prepend(("ALL", add ? "every capability" : "drop every capability, then add back with -CapAdd")));
        }
    }

    /// <summary>Tab-completes -SecurityOpt with the options MiniDocker understands.</summary>
    public sealed class SecurityOptCompleter : IArgumentCompleter
    {
        private static readonly (string, string)[] Options =
        {
            ("seccomp=unconfined", "no seccomp filter"),
            ("seccomp=", "seccomp=PROFILE.json: a Docker-format seccomp profile"),
            ("no-new-privileges", "no_new_privs on (the default)"),
            ("no-new-privileges=false", "allow setuid programs to gain privileges"),
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) => Completions.Matching(wordToComplete, Options);
    }

    /// <summary>Tab-completes -Ulimit with Docker's resource names and an example value.</summary>
    public sealed class UlimitCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(wordToComplete, SecurityPolicy.RlimitResources.OrderBy(kv => kv.Value)
                .Select(kv => (kv.Key + "=", kv.Key == "nofile" ? "nofile=SOFT[:HARD], default 1024:524288" : $"{kv.Key}=SOFT[:HARD] (RLIMIT {kv.Value}; 'unlimited' allowed)")));
    }
}
