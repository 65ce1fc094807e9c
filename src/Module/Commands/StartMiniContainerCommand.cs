using System;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Starts containers, detached by default; -Wait streams their output and sets $LASTEXITCODE.</summary>
    [Cmdlet(VerbsLifecycle.Start, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container), typeof(string))]
    public sealed class StartMiniContainerCommand : ContainerProcessCmdlet
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
                    if (started.ExitCode is int exitCode) SetExitCode(exitCode, started, $"Container '{started.Name}'");
                    if (PassThru) WriteObject(started);
                    return; // one terminal, one session per invocation
                }
                if (Wait)
                {
                    if (!Try(() => started = Engine.RunAttached(c.Id, line => WriteContainerLine(line, c), Cancellation), c) || started == null) continue;
                    // Like a native command: $LASTEXITCODE, and an error for a non-zero code only when the script asks for it.
                    if (!Cancellation.IsCancellationRequested && started.ExitCode is int code) SetExitCode(code, started, $"Container '{started.Name}'");
                }
                else if (!Try(() => started = Engine.Start(c.Id), c) || started == null) continue;
                if (PassThru) WriteObject(started);
            }
        }
    }
}
