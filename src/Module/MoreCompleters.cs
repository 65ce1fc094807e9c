using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Tab-completes -Id with container ids (short form), state-aware like the name completer.</summary>
    public sealed class ContainerIdCompleter : NameCompleter
    {
        protected override IEnumerable<(string Text, string ToolTip)> Candidates(string commandName, string parameterName)
        {
            var fits = ContainerNameCompleter.StatesFor(commandName);
            // Records only: a Tab press must not reconcile.
            return new ContainerEngine().ListRecords().Where(c => fits == null || fits.Contains(c.State))
                .Select(c => (c.ShortId, $"{c.Name} ({c.State})"));
        }
    }

    /// <summary>Tab-completes -Memory/-MemorySwap with example sizes in the forms the parameter takes.</summary>
    public sealed class SizeExampleCompleter : IArgumentCompleter
    {
        private static readonly (string, string)[] Examples =
        {
            ("256MB", "256 MiB (PowerShell's MB is 1024-based)"),
            ("512MB", "512 MiB"),
            ("1GB", "1 GiB"),
            ("2GB", "2 GiB"),
            ("'1.5g'", "docker-style text: k, m, g suffixes, 1024-based"),
            ("-1", "-MemorySwap only: unlimited swap"),
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completions.Matching(wordToComplete, parameterName.Equals("MemorySwap", StringComparison.OrdinalIgnoreCase) ? Examples : Examples.SkipLast(1));
    }

    /// <summary>
    /// Tab-completes -User with the users (and, after a colon, the groups) of the root filesystem folder the
    /// command line names with -RootFs: the container's own /etc/passwd and /etc/group, not the host's.
    /// </summary>
    public sealed class ContainerUserCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string typed = (wordToComplete ?? "").Trim('\'', '"');
            if (fakeBoundParameters["RootFs"] is not string given) return Array.Empty<CompletionResult>();
            string rootFs = FromLocation(given);
            if (!Directory.Exists(rootFs)) return Array.Empty<CompletionResult>();
            int colon = typed.IndexOf(':');
            string user = colon < 0 ? "" : typed[..colon];
            var names = colon < 0
                ? Entries(rootFs, "etc/passwd").Select(e => (e.Name, $"uid {e.Id} in {rootFs}"))
                : Entries(rootFs, "etc/group").Select(e => ($"{user}:{e.Name}", $"gid {e.Id} in {rootFs}"));
            return Completions.Matching(typed, names);
        }

        /// <summary>PATH as the user means it: relative to PowerShell's location, not the process's folder.</summary>
        private static string FromLocation(string path)
        {
            if (Path.IsPathRooted(path)) return path;
            try
            {
                // A completer has no SessionState of its own: ask the session it runs in, as a nested pipeline.
                using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
                string? here = ps.AddScript("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke<string>().FirstOrDefault();
                return here == null ? path : Path.Combine(here, path);
            }
            catch (Exception e) when (e is InvalidOperationException or PSInvalidOperationException or RuntimeException) { return path; }
        }

        /// <summary>NAME and ID of each line of a passwd/group file under ROOT; nothing when it is missing or unreadable.</summary>
        private static IEnumerable<(string Name, string Id)> Entries(string root, string file)
        {
            string path = Path.Combine(root, file);
            string[] lines;
            try { lines = File.Exists(path) ? File.ReadAllLines(path) : Array.Empty<string>(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
            foreach (var line in lines)
            {
                var f = line.Split(':');
                if (f.Length >= 3 && f[0].Length > 0 && !f[0].StartsWith('#')) yield return (f[0], f[2]);
            }
        }
    }
}
