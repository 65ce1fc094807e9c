using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>Shared by every cmdlet: the engine, cancellation on Ctrl+C, and errors as ErrorRecords.</summary>
    public abstract class MiniDockerCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _cancel = new();
        private ContainerEngine? _engine;

        protected ContainerEngine Engine => _engine ??= NewEngine();

        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _traced = new();
        private int _pipelineThread;

        /// <summary>An engine whose steps (cgroup paths, the launch plan, timings) become this cmdlet's -Verbose messages.</summary>
        private ContainerEngine NewEngine()
        {
            _pipelineThread = Environment.CurrentManagedThreadId;
            ModuleInitializer.OnFirstUse();
            // A root the engine refuses (rootless: a run root someone else owns) ends the command with its ErrorRecord.
            try { return new ContainerEngine(new EngineOptions { Trace = TraceToVerbose }); }
            catch (MiniDockerException e) { ThrowTerminatingError(ToErrorRecord(e)); throw; }
        }

        // Only the pipeline thread may write: a step reported from a worker (StopMany) waits for the next one that comes here.
        private void TraceToVerbose(string message)
        {
            _traced.Enqueue(message);
            if (Environment.CurrentManagedThreadId != _pipelineThread) return;
            try
            {
                while (_traced.TryDequeue(out var m)) WriteVerbose(m);
            }
            catch (RuntimeException) { }   // stopping, or $VerbosePreference = 'Stop': a trace must never break the engine's step
        }

        /// <summary>Cancelled when the user presses Ctrl+C: waits and follows end at once.</summary>
        protected CancellationToken Cancellation => _cancel.Token;

        protected override void StopProcessing() => _cancel.Cancel();

        /// <summary>Runs ACTION, turning an engine failure into a non-terminating error about TARGET.</summary>
        protected bool Try(Action action, object? target = null)
        {
            try { action(); return true; }
            catch (MiniDockerException e) { WriteError(ToErrorRecord(e, target)); }
            catch (OperationCanceledException) { }
            return false;
        }

        /// <summary>An -Environment hashtable as the engine's variables (values as strings; null for none).</summary>
        protected static Dictionary<string, string> ToEnvironment(Hashtable? table)
        {
            var env = new Dictionary<string, string>();
            if (table != null)
                foreach (DictionaryEntry kv in table) env[kv.Key.ToString() ?? ""] = kv.Value?.ToString() ?? "";
            return env;
        }

        protected static ErrorRecord ToErrorRecord(MiniDockerException e, object? target = null) =>
            new(e.WordedBy(PowerShellWords.Parameter, PowerShellWords.Cmdlet), e.ErrorId, Category(e.Kind), target ?? e.Target);

        protected static ErrorCategory Category(FailureKind kind) => kind switch
        {
            FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
            FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            FailureKind.ResourceExists => ErrorCategory.ResourceExists,
            FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
            FailureKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
            FailureKind.NotInstalled => ErrorCategory.NotInstalled,
            FailureKind.OperationTimeout => ErrorCategory.OperationTimeout,
            FailureKind.NotImplemented => ErrorCategory.NotImplemented,
            FailureKind.ReadError => ErrorCategory.ReadError,
            FailureKind.WriteError => ErrorCategory.WriteError,
            _ => ErrorCategory.NotSpecified,
        };
    }

    /// <summary>
    /// Base of every cmdlet that acts on existing containers: -Name (wildcards), -Id (unique prefix)
    /// or -InputObject, from the pipeline by value and by property name.
    /// </summary>
    public abstract class ContainerCmdlet : MiniDockerCmdlet
    {
        protected const string ByName = "Name", ById = "Id", ByObject = "InputObject";

        // By value too, so 'web' | Stop-MiniContainer works; containers still bind to -InputObject (an exact type match wins).
        [Parameter(ParameterSetName = ByName, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ContainerNameCompleter))]
        [ValidateNotNullOrEmpty]
        public virtual string[]? Name { get; set; }

        [Parameter(ParameterSetName = ById, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ContainerIdCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Id { get; set; }

        [Parameter(ParameterSetName = ByObject, Mandatory = true, ValueFromPipeline = true)]
        [ValidateNotNull]
        public Container[]? InputObject { get; set; }

        /// <summary>When true, no -Name means every container (Get-); otherwise -Name is required.</summary>
        protected virtual bool NameOptional => false;

        /// <summary>The containers this invocation names, fresh from the store; unknown ones become errors.</summary>
        protected IEnumerable<Container> ResolveContainers()
        {
            switch (ParameterSetName)
            {
                case ById:
                    foreach (var prefix in Id!)
                    {
                        Container? c = null;
                        if (Try(() => c = Engine.GetByIdPrefix(prefix), prefix) && c != null) yield return c;
                    }
                    break;
                case ByObject:
                    foreach (var o in InputObject!)
                    {
                        var c = Engine.Get(o.Id);
                        if (c != null) yield return c;
                        else WriteError(NotFound(o.Name, o));
                    }
                    break;
                default:
                    if (Name == null)
                    {
                        if (!NameOptional)
                            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("Give -Name, -Id or pipe containers in."), "ContainerNotSpecified", ErrorCategory.InvalidArgument, null));
                        foreach (var c in Engine.List()) yield return c;
                        yield break;
                    }
                    IReadOnlyList<Container>? all = null;
                    foreach (var n in Name)
                    {
                        // An exact name is one index lookup, whatever the number of containers; patterns and other cases list them all.
                        if (!WildcardPattern.ContainsWildcardCharacters(n) && Engine.GetByName(n) is { } named) { yield return named; continue; }
                        all ??= Engine.List();
                        var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                        var matches = all.Where(c => pattern.IsMatch(c.Name)).ToList();
                        if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(n)) WriteError(NotFound(n, n));
                        foreach (var c in matches) yield return c;
                    }
                    break;
            }
        }

        protected static ErrorRecord NotFound(string name, object target) =>
            new(new ItemNotFoundException($"No container named '{name}' exists."), "ContainerNotFound", ErrorCategory.ObjectNotFound, target);
    }
}
