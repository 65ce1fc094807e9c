using System;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>
    /// Waits until containers exit and returns them (ExitCode, OomKilled); with -Condition or -LogPattern, until they
    /// are ready instead (a readiness wait for tests). Ctrl+C stops waiting only.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Wait, "MiniContainer", DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class WaitMiniContainerCommand : ContainerCmdlet
    {
        /// <summary>Seconds to wait for each container; by default, forever.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? Timeout { get; set; }

        /// <summary>Ready when this script block, run with $_ as the container (fresh each time), returns a true value.</summary>
        [Parameter]
        [ValidateNotNull]
        public ScriptBlock? Condition { get; set; }

        /// <summary>Ready when a line the current run logged matches this regular expression.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? LogPattern { get; set; }

        private Regex? _pattern;
        private string? _lastConditionError;

        protected override void BeginProcessing()
        {
            if (LogPattern == null) return;
            try { _pattern = new Regex(LogPattern, RegexOptions.CultureInvariant); }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"-LogPattern '{LogPattern}' is not a valid regular expression: {e.Message}", e), "InvalidLogPattern", ErrorCategory.InvalidArgument, LogPattern));
            }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByObject && Condition == null && _pattern == null) { WaitPiped(); return; }
            foreach (var c in ResolveContainers())
            {
                Container? done = null;
                var timeout = Timeout is int t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
                // Resolving it found it stopped and (being -AutoRemove) removed it: that record is its last state.
                if (c.AutoRemove && c.State is ContainerState.Exited or ContainerState.Dead && Condition == null && _pattern == null) done = c;
                else if (Condition != null || _pattern != null) done = WaitReady(c, timeout);
                else if (!Try(() => done = Engine.Wait(c.Id, timeout, Cancellation), c)) done = null;
                if (done != null) WriteObject(done);
                if (Cancellation.IsCancellationRequested) return;
            }
        }

        /// <summary>
        /// Containers piped in (Start-MiniContainer -PassThru | Wait-MiniContainer) go straight to the engine's wait, which
        /// reads each under its lock anyway: resolving them first read a running one three more times.
        /// </summary>
        private void WaitPiped()
        {
            var timeout = Timeout is int t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
            foreach (var o in InputObject!)
            {
                Container? done = null;
                try { done = Engine.Wait(o.Id, timeout, Cancellation); }
                catch (MiniDockerException e) when (e.ErrorId == "ContainerNotFound") { WriteError(NotFound(o.Name, o)); }
                catch (MiniDockerException e) { WriteError(ToErrorRecord(e, o)); }
                catch (OperationCanceledException) { }
                if (done != null) WriteObject(done);
                if (Cancellation.IsCancellationRequested) return;
            }
        }

        /// <summary>Polls until every given readiness test passes; an error when the container stops first or time runs out.</summary>
        private Container? WaitReady(Container c, TimeSpan? timeout)
        {
            var deadline = timeout is TimeSpan span ? DateTime.UtcNow + span : DateTime.MaxValue;
            while (true)
            {
                var now = Engine.Get(c.Id);
                if (now == null) { WriteError(ToErrorRecord(new MiniDockerException("ContainerNotFound", FailureKind.ObjectNotFound, $"Container '{c.Name}' was removed while waiting for it to be ready.", c))); return null; }
                if (now.State == ContainerState.Created)
                {
                    WriteError(ToErrorRecord(new MiniDockerException("ContainerNotStarted", FailureKind.InvalidOperation, $"Container '{c.Name}' has not been started; start it first.", now)));
                    return null;
                }
                if (IsReady(now)) return now;
                if (now.State is not (ContainerState.Running or ContainerState.Paused))
                {
                    WriteError(ToErrorRecord(new MiniDockerException("ContainerExitedBeforeReady", FailureKind.InvalidOperation,
                        $"Container '{c.Name}' stopped (state {now.State}, exit code {now.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) before it was ready; see Get-MiniContainerLog.", now)));
                    return null;
                }
                if (DateTime.UtcNow >= deadline)
                {
                    WriteError(ToErrorRecord(new MiniDockerException("WaitTimeout", FailureKind.OperationTimeout, $"Container '{c.Name}' was not ready after {timeout?.TotalSeconds} s." + (_lastConditionError != null ? $" The condition last failed with: {_lastConditionError}" : ""), now)));
                    return null;
                }
                if (Cancellation.WaitHandle.WaitOne(100)) return null;
            }
        }

        private bool IsReady(Container c)
        {
            // The current run's lines only: an earlier run's "ready" says nothing about this one.
            if (_pattern != null && !Engine.Logs(c.Id, null, c.StartedAt).Any(e => _pattern.IsMatch(e.Text))) return false;
            if (Condition == null) return true;
            // A condition that fails (a port not yet listening, a file not yet there) means "not ready yet".
            try
            {
                var result = Condition.InvokeWithContext(null, new System.Collections.Generic.List<PSVariable> { new("_", c) }, c);
                return result.Count > 0 && LanguagePrimitives.IsTrue(result[^1]);
            }
            catch (RuntimeException e)
            {
                _lastConditionError = e.Message;
                return false;
            }
        }
    }
}
