using System;
using System.Collections;
using System.Collections.Generic;
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
    public sealed class InvokeMiniContainerCommand : ContainerCmdlet
    {
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Command { get; set; } = Array.Empty<string>();

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

        /// <summary>Also write an ExecResult (exit code, times) after the command's output.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

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
            var spec = new ExecSpec { Command = Command, Environment = ToEnvironment(Environment), WorkingDirectory = WorkingDirectory, User = User };
            using var session = Engine.StartExec(c.Id, spec);
            foreach (var line in session.Output(Cancellation))
            {
                if (line.Stream == "stderr")
                    WriteError(new ErrorRecord(new RemoteException(line.Text), "ContainerStandardError", ErrorCategory.NotSpecified, session.Container));
                else
                    WriteObject(line.Text);
            }
            if (Cancellation.IsCancellationRequested) return;
            var result = session.Finish();
            SessionState.PSVariable.Set("global:LASTEXITCODE", result.ExitCode);
            if (PassThru) WriteObject(result);
        }
    }
}
