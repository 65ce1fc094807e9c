using System;
using System.Linq;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>What containers wrote to stdout and stderr, as timestamped entries.</summary>
    [Cmdlet(VerbsCommon.Get, "MiniContainerLog", DefaultParameterSetName = ByName)]
    [OutputType(typeof(LogEntry))]
    public sealed class GetMiniContainerLogCommand : ContainerCmdlet
    {
        /// <summary>Only the last N entries.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? Tail { get; set; }

        /// <summary>Keep streaming new entries until the container exits or Ctrl+C.</summary>
        [Parameter]
        public SwitchParameter Follow { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var c in ResolveContainers())
            {
                if (!Follow)
                {
                    foreach (var e in Engine.Logs(c.Id, Tail)) WriteObject(e);
                    continue;
                }
                // Follow streams from the start of the log; -Tail skips all but the last N written so far.
                int skip = Tail is int n ? Math.Max(0, Engine.Logs(c.Id, null).Count() - n) : 0;
                foreach (var e in Engine.FollowLogs(c.Id, Cancellation).Skip(skip)) WriteObject(e);
            }
        }
    }
}
