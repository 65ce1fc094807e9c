using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>Starts containers, detached by default; -Wait streams their output and sets $LASTEXITCODE.</summary>
    [Cmdlet(VerbsLifecycle.Start, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container), typeof(string))]
    public sealed class StartMiniContainerCommand : ContainerCmdlet
    {
        /// <summary>Stream stdout lines (stderr to the error stream) until the container exits.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, "Start container")) continue;
                Container? started = null;
                if (!Try(() => started = Engine.Start(c.Id), c) || started == null) continue;
                if (Wait) started = StreamUntilExit(started);
                if (PassThru) WriteObject(started);
            }
        }

        private Container StreamUntilExit(Container c)
        {
            foreach (var line in Engine.FollowLogs(c.Id, Cancellation, c.LogStartOffset))
            {
                if (line.Stream == "stderr")
                    WriteError(new ErrorRecord(new RemoteException(line.Text), "ContainerStandardError", ErrorCategory.NotSpecified, c));
                else
                    WriteObject(line.Text);
            }
            if (Cancellation.IsCancellationRequested) return c;
            Container done = c;
            if (Try(() => done = Engine.Wait(c.Id, null, Cancellation), c) && done.ExitCode is int code)
                SessionState.PSVariable.Set("global:LASTEXITCODE", code);
            return done;
        }
    }
}
