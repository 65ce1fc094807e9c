using System;
using MiniDocker.Engine;
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

        /// <summary>Show each entry's UTC timestamp and stream before its text.</summary>
        [Parameter]
        public SwitchParameter Timestamps { get; set; }

        /// <summary>Only entries written at or after this time.</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        protected override void ProcessRecord()
        {
            var query = new LogQuery { Tail = Tail, Since = Since, Follow = Follow };
            foreach (var c in ResolveContainers())
            {
                var name = c.Name;
                Try(() =>
                {
                    foreach (var e in Engine.QueryLogs(c.Id, query, Cancellation, bytes => WriteWarning(
                                 $"Container '{name}': the log was rotated past this reader, which missed {bytes} bytes of output; it goes on with the oldest line still kept.")))
                        Emit(e);
                }, c);
                WarnDropped(Follow ? Engine.Get(c.Id) ?? c : c);
            }
        }

        /// <summary>Output the monitor could not write (a full disk) is reported, never lost silently.</summary>
        private void WarnDropped(Container c)
        {
            if (c.LogBytesDropped > 0)
                WriteWarning($"Container '{c.Name}': {c.LogBytesDropped} bytes of its output were lost because the disk holding its log was full.");
        }

        private void Emit(LogEntry e)
        {
            if (!Timestamps)
            {
                WriteObject(e);
                return;
            }
            // Same object; the extra type name selects the view with the timestamp and stream columns.
            var o = PSObject.AsPSObject(e);
            o.TypeNames.Insert(0, "MiniDocker.LogEntry#Timestamps");
            WriteObject(o);
        }
    }
}
