using System;
using System.Collections;
using System.Management.Automation;
using System.Reflection;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>
    /// Cmdlets that relay a container process the way pwsh relays a native command (about_MiniDocker, STREAMS AND
    /// EXIT CODES): stdout lines are output, stderr lines are error records that $ErrorActionPreference = 'Stop'
    /// does not turn into a stop, and the exit code goes to $LASTEXITCODE; a non-zero code is an error only when
    /// $PSNativeCommandUseErrorActionPreference is $true.
    /// </summary>
    public abstract class ContainerProcessCmdlet : ContainerCmdlet
    {
        /// <summary>One line the container wrote: stdout to the pipeline, stderr to the error stream as a native command's.</summary>
        protected void WriteContainerLine(LogEntry line, Container target)
        {
            if (line.Stream == "stderr")
                WriteStandardError(new ErrorRecord(new RemoteException(line.Text), "ContainerStandardError", ErrorCategory.NotSpecified, target));
            else
                WriteObject(line.Text);
        }

        /// <summary>$LASTEXITCODE, and the opt-in error for a non-zero code (terminating under 'Stop', as for a native command).</summary>
        protected void SetExitCode(int code, Container target, string what)
        {
            SessionState.PSVariable.Set("global:LASTEXITCODE", code);
            if (code != 0 && LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("PSNativeCommandUseErrorActionPreference")))
                WriteError(new ErrorRecord(new RuntimeException($"{what} exited with code {code}."), "ContainerExitedWithError", ErrorCategory.NotSpecified, target));
        }

        // pwsh writes a native command's stderr through this internal method so that it reaches the error stream
        // without taking part in $ErrorActionPreference (7.2+): under 'Stop' a script goes on, as it does for native stderr.
        private static readonly MethodInfo? WriteNativeError = typeof(PSCmdlet).Assembly
            .GetType("System.Management.Automation.MshCommandRuntime")
            ?.GetMethod("_WriteErrorSkipAllowCheck", BindingFlags.Instance | BindingFlags.NonPublic, null,
                new[] { typeof(ErrorRecord), typeof(ActionPreference?), typeof(bool) }, null);

        /// <summary>
        /// One stderr line as an error record that does not stop the script: under 'Stop' (or 'Inquire') it goes the way
        /// pwsh sends a native command's stderr; otherwise it is an ordinary error, so SilentlyContinue, Ignore and
        /// -ErrorVariable work as for any cmdlet.
        /// </summary>
        private void WriteStandardError(ErrorRecord record)
        {
            bool wouldStop = EffectiveErrorAction() is ActionPreference.Stop or ActionPreference.Inquire;
            if (wouldStop && WriteNativeError != null && WriteNativeError.DeclaringType!.IsInstanceOfType(CommandRuntime))
                WriteNativeError.Invoke(CommandRuntime, new object?[] { record, null, true });
            else
                WriteError(record);   // a pwsh without that method: the ordinary error stream
        }

        /// <summary>-ErrorAction when given, else $ErrorActionPreference as the caller's scope sees it.</summary>
        private ActionPreference EffectiveErrorAction()
        {
            object? value = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var bound) ? bound : SessionState.PSVariable.GetValue("ErrorActionPreference");
            return LanguagePrimitives.TryConvertTo(value, out ActionPreference p) ? p : ActionPreference.Continue;
        }
    }

    /// <summary>What Invoke-MiniContainer and Enter-MiniContainer share: a command run in a running container as docker exec runs it.</summary>
    public abstract class ExecCmdlet : ContainerProcessCmdlet
    {
        /// <summary>Variables added to the container's environment for this command.</summary>
        [Parameter]
        public Hashtable? Environment { get; set; }

        /// <summary>Inside the container; the container's working directory by default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkingDirectory { get; set; }

        /// <summary>Run as this user (uid[:gid] or name[:group] from the container's /etc/passwd).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary>Also write an ExecResult (exit code, times).</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected ExecSpec ExecSpecFor(string[] command, bool tty) =>
            new() { Command = command, Environment = ToEnvironment(Environment), WorkingDirectory = WorkingDirectory, User = User, Tty = tty };

        /// <summary>The end of one exec: $LASTEXITCODE (and the opt-in error), then the result with -PassThru.</summary>
        protected void Finish(ExecResult result, Container target, string[] command)
        {
            SetExitCode(result.ExitCode, target, $"'{string.Join(" ", command)}' in container '{target.Name}'");
            if (PassThru) WriteObject(result);
        }
    }
}
