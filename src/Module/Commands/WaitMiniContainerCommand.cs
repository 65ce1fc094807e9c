using System;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>Waits until containers exit and returns them (ExitCode, OomKilled); Ctrl+C stops waiting only.</summary>
    [Cmdlet(VerbsLifecycle.Wait, "MiniContainer", DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class WaitMiniContainerCommand : ContainerCmdlet
    {
        /// <summary>Seconds to wait for each container; by default, forever.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? Timeout { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                Container? done = null;
                var timeout = Timeout is int t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
                if (Try(() => done = Engine.Wait(c.Id, timeout, Cancellation), c) && done != null) WriteObject(done);
                if (Cancellation.IsCancellationRequested) return;
            }
        }
    }
}
