using System;
using System.Management.Automation;
using System.Reflection;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Starts containers, detached by default; -Wait streams their output and sets $LASTEXITCODE.</summary>
    [Cmdlet(VerbsLifecycle.Start, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container), typeof(string))]
    public sealed class StartMiniContainerCommand : ContainerCmdlet
    {
        /// <summary>Stream stdout lines (stderr to the error stream) until the container exits. -Attach is docker's name for it.</summary>
        [Parameter]
        [Alias("Attach")]
        public SwitchParameter Wait { get; set; }

        /// <summary>Like docker run -it: the init gets a pty relayed to this terminal until it exits (implies waiting).</summary>
        [Parameter]
        public SwitchParameter Interactive { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            // Rootless without a subordinate range: the containers run, but only with container root mapped.
            if (MiniDocker.Engine.Rootless.RootlessMode.IsRootless && MiniDocker.Engine.Rootless.IdMapping.ForCurrentUser().Warning is string single)
                WriteWarning(single);
            if (!Interactive) return;
            // -Interactive always waits for the init: a detached interactive container has nobody at its terminal.
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Wait)) && !Wait)
                ThrowTerminatingError(new ErrorRecord(
                    new PSArgumentException("-Interactive always waits until the container's init exits; it cannot be combined with -Wait:$false. Start it without -Interactive to run detached."),
                    "InteractiveAlwaysWaits", ErrorCategory.InvalidArgument, null));
            // The helper relays the container's pty through this process's own terminal: there must be one.
            if (Console.IsInputRedirected || Console.IsOutputRedirected)
                ThrowTerminatingError(new ErrorRecord(
                    new PSInvalidOperationException("Start-MiniContainer -Interactive needs an interactive terminal, and input or output is redirected. Use -Wait to follow the container's output without one."),
                    "NoTerminal", ErrorCategory.InvalidOperation, null));
        }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, "Start container")) continue;
                Container? started = null;
                if (Interactive)
                {
                    if (!Try(() => started = Engine.RunInteractive(c.Id), c) || started == null) continue;
                    if (started.ExitCode is int exitCode) SessionState.PSVariable.Set("global:LASTEXITCODE", exitCode);
                    if (PassThru) WriteObject(started);
                    return; // one terminal, one session per invocation
                }
                if (Wait)
                {
                    ContainerAttachment? attachment = null;
                    if (!Try(() => attachment = Engine.StartAttached(c.Id), c) || attachment == null) continue;
                    using (attachment) started = StreamUntilExit(attachment);
                }
                else if (!Try(() => started = Engine.Start(c.Id), c) || started == null) continue;
                if (PassThru) WriteObject(started);
            }
        }

        /// <summary>Streams what the monitor relays until the container exits; then $LASTEXITCODE, as for a native command.</summary>
        private Container StreamUntilExit(ContainerAttachment attachment)
        {
            var c = attachment.Container;
            foreach (var line in attachment.Lines(Cancellation))
            {
                if (line.Stream == "stderr")
                    WriteStandardError(new ErrorRecord(new RemoteException(line.Text), "ContainerStandardError", ErrorCategory.NotSpecified, c));
                else
                    WriteObject(line.Text);
            }
            if (Cancellation.IsCancellationRequested) return c;
            Container done = c;
            if (!Try(() => done = Engine.Wait(c.Id, null, Cancellation), c) || done.ExitCode is not int code) return done;
            SessionState.PSVariable.Set("global:LASTEXITCODE", code);
            // Like a native command (pwsh 7.3+): a non-zero exit is an error only when the script asks for it.
            if (code != 0 && LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("PSNativeCommandUseErrorActionPreference")))
                WriteError(new ErrorRecord(new RuntimeException($"Container '{done.Name}' exited with code {code}."), "ContainerExitedWithError", ErrorCategory.NotSpecified, done));
            return done;
        }

        // pwsh writes a native command's stderr through this internal method so that it reaches the error stream
        // without taking part in $ErrorActionPreference (7.2+): under 'Stop' a script goes on, as it does for native stderr.
        private static readonly MethodInfo? WriteNativeError = typeof(PSCmdlet).Assembly
            .GetType("System.Management.Automation.MshCommandRuntime")
            ?.GetMethod("_WriteErrorSkipAllowCheck", BindingFlags.Instance | BindingFlags.NonPublic, null,
                new[] { typeof(ErrorRecord), typeof(ActionPreference?), typeof(bool) }, null);

        /// <summary>One stderr line as a non-terminating error record that $ErrorActionPreference = 'Stop' does not turn into a stop.</summary>
        private void WriteStandardError(ErrorRecord record)
        {
            if (WriteNativeError != null && WriteNativeError.DeclaringType!.IsInstanceOfType(CommandRuntime))
                WriteNativeError.Invoke(CommandRuntime, new object?[] { record, null, true });
            else
                WriteError(record);   // a pwsh without that method: the ordinary error stream
        }
    }
}
