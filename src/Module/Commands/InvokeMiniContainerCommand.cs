using System;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>
    /// Runs a command inside running containers (docker exec): stdout lines stream into the pipeline,
    /// stderr lines go to the error stream, the exit code lands in $LASTEXITCODE.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MiniContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ByName)]
    [OutputType(typeof(string), typeof(ExecResult))]
    public sealed class InvokeMiniContainerCommand : ExecCmdlet
    {
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Command { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (Cancellation.IsCancellationRequested) return;
                if (!ShouldProcess(c.Name, $"Run '{string.Join(" ", Command)}'")) continue;
                Try(() => Run(c), c);
            }
        }

        private void Run(Container c)
        {
            using var session = Engine.StartExec(c.Id, ExecSpecFor(Command, tty: false));
            foreach (var line in session.Output(Cancellation)) WriteContainerLine(line, session.Container);
            if (Cancellation.IsCancellationRequested) return;
            Finish(session.Finish(), session.Container, Command);
        }
    }
}
