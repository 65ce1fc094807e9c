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
        public SizeValue? Memory { get; set; }

        [Parameter]
        [SizeTransformation]
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
            foreach (var key in MyInvocation.BoundParameters.Keys)
                if (key is not ("Name" or "Id" or "InputObject" or "PassThru" or "WhatIf" or "Confirm"))
                    parts.Add($"{key}={MyInvocation.BoundParameters[key]}");
            return string.Join(", ", parts);
        }
    }
}
