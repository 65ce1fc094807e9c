using System.Collections.Generic;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>
    /// Changes a container's limits: live in the cgroup of a Running or Paused container, in the stored
    /// configuration of a Created or Exited one (used at its next start). Only the limits given change.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "MiniContainerLimit", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
    [OutputType(typeof(Container))]
    public sealed class SetMiniContainerLimitCommand : ContainerCmdlet, ILimitParameters
    {
        [Parameter]
        [SizeTransformation]
        [ArgumentCompleter(typeof(SizeExampleCompleter))]
        public SizeValue? Memory { get; set; }

        [Parameter]
        [SizeTransformation]
        [ArgumentCompleter(typeof(SizeExampleCompleter))]
        public SizeValue? MemorySwap { get; set; }

        [Parameter]
        public double? Cpus { get; set; }

        [Parameter]
        public long? CpuShares { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CpusetCpus { get; set; }

        [Parameter]
        public long? PidsLimit { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            if (this.ToLimitRequest().IsEmpty)
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException("Give at least one limit: -Memory, -MemorySwap, -Cpus, -CpuShares, -CpusetCpus or -PidsLimit."),
                    "NoLimitGiven", ErrorCategory.InvalidArgument, null));
        }

        protected override void ProcessRecord()
        {
            var request = this.ToLimitRequest();
            foreach (var c in ResolveContainers())
            {
                if (!ShouldProcess(c.Name, $"Set limits ({Describe()})")) continue;
                Container? updated = null;
                if (Try(() => updated = Engine.UpdateLimits(c.Id, request), c) && PassThru) WriteObject(updated);
            }
        }

        private string Describe()
        {
            var parts = new List<string>();
            // Only the limits: common parameters (-Verbose, -ErrorAction, ...) are no part of what is set.
            foreach (var key in new[] { "Memory", "MemorySwap", "Cpus", "CpuShares", "CpusetCpus", "PidsLimit" })
                if (MyInvocation.BoundParameters.TryGetValue(key, out var value))
                    parts.Add($"{key}={value}");
            return string.Join(", ", parts);
        }
    }
}
