using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>SIGTERM to the container's PID 1; after -Timeout seconds, SIGKILL to everything in its cgroup.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "MiniContainer", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class StopMiniContainerCommand : ContainerCmdlet
    {
        // Pipeline input is gathered and stopped together in EndProcessing: many containers take one -Timeout, not one each.
        private readonly List<Container> _toStop = new();

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Timeout { get; set; } = 10;

        /// <summary>docker kill -s: only this signal to the init, no TERM-then-KILL.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(SignalCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Signal { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            // A bad signal fails before any container is touched.
            if (Signal != null)
                try { MiniDocker.Engine.Containers.Signals.Parse(Signal); }
                catch (MiniDocker.Engine.MiniDockerException e) { ThrowTerminatingError(ToErrorRecord(e, Signal)); }
        }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
                if (_toStop.All(x => x.Id != c.Id) && ShouldProcess(c.Name, Signal == null ? "Stop container" : $"Send signal {Signal}")) _toStop.Add(c);
        }

        protected override void EndProcessing()
        {
            if (_toStop.Count == 0) return;
            if (Signal != null)
            {
                foreach (var c in _toStop)
                {
                    Container? signalled = null;
                    if (Try(() => signalled = Engine.Kill(c.Id, Signal), c) && PassThru) WriteObject(signalled);
                }
                return;
            }
            IReadOnlyList<MiniDocker.Engine.ContainerEngine.StopResult> results = Array.Empty<MiniDocker.Engine.ContainerEngine.StopResult>();
            if (!Try(() => results = Engine.StopMany(_toStop.Select(c => c.Id).ToList(), TimeSpan.FromSeconds(Timeout), Cancellation))) return;
            foreach (var r in results)
            {
                var target = _toStop.First(c => c.Id == r.Id);
                if (r.Error != null) WriteError(ToErrorRecord(r.Error, target));
                else if (PassThru) WriteObject(r.Container);
            }
        }
    }
}
