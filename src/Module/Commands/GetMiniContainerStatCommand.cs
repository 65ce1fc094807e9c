using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>
    /// Resource use of running containers from their cgroups: memory usage/peak/limit, CPU time, pids, OOM kills.
    /// -Stream samples every -Interval seconds until Ctrl+C (or until no named container is running).
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MiniContainerStat", DefaultParameterSetName = ByName)]
    [OutputType(typeof(ContainerStats))]
    public sealed class GetMiniContainerStatCommand : ContainerCmdlet
    {
        [Parameter]
        public SwitchParameter Stream { get; set; }

        /// <summary>Seconds between samples with -Stream.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double Interval { get; set; } = 1;

        protected override bool NameOptional => true;

        private readonly List<Container> _streamed = new();

        protected override void ProcessRecord()
        {
            // Without -Name: every running or paused container; a container named explicitly must be running.
            bool all = ParameterSetName == ByName && Name == null;
            foreach (var c in ResolveContainers())
            {
                if (all && c.State is not (ContainerState.Running or ContainerState.Paused)) continue;
                if (Stream) { _streamed.Add(c); continue; }
                ContainerStats? s = null;
                if (Try(() => s = Engine.Stats(c.Id), c)) WriteObject(s);
            }
        }

        protected override void EndProcessing()
        {
            if (!Stream) return;
            var targets = _streamed.GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First());
            foreach (var s in Engine.StreamStats(_streamed.Select(c => c.Id), TimeSpan.FromSeconds(Interval), Cancellation,
                         ended: c => WriteVerbose($"Container '{c.Name}' is no longer running."),
                         failed: (id, e) => WriteError(ToErrorRecord(e, targets[id]))))
                WriteObject(s);
        }
    }
}
