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

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
                if (_toStop.All(x => x.Id != c.Id) && ShouldProcess(c.Name, "Stop container")) _toStop.Add(c);
        }

        protected override void EndProcessing()
        {
            if (_toStop.Count == 0) return;
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
