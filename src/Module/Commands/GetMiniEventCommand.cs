using System;
using System.Management.Automation;

namespace MiniDocker.Commands
{
    /// <summary>docker events: what happened to containers (create, start, pause, unpause, kill, die, stop, restart, rename, remove), oldest first.</summary>
    [Cmdlet(VerbsCommon.Get, "MiniEvent")]
    [OutputType(typeof(ContainerEvent))]
    public sealed class GetMiniEventCommand : MiniDockerCmdlet
    {
        /// <summary>Only events at or after this time.</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Only events before this time (not with -Follow).</summary>
        [Parameter]
        public DateTime? Until { get; set; }

        /// <summary>Only events of these containers (names, wildcards).</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ContainerNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Only these actions (create, start, pause, unpause, kill, die, stop, restart, rename, remove).</summary>
        [Parameter]
        public string[]? Action { get; set; }

        /// <summary>Keep streaming events as they happen until Ctrl+C.</summary>
        [Parameter]
        public SwitchParameter Follow { get; set; }

        protected override void EndProcessing()
        {
            if (Follow && Until != null)
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException("-Until cannot be combined with -Follow."), "UntilWithFollow", ErrorCategory.InvalidArgument, null));
            var since = Since?.ToUniversalTime();
            var events = Follow ? Engine.FollowEvents(since, Cancellation) : Engine.Events(since, Until?.ToUniversalTime());
            var names = Name == null ? null : Array.ConvertAll(Name, n => new WildcardPattern(n, WildcardOptions.IgnoreCase));
            foreach (var e in events)
            {
                if (names != null && !Array.Exists(names, p => p.IsMatch(e.ContainerName))) continue;
                if (Action != null && !Array.Exists(Action, a => string.Equals(a, e.Action, StringComparison.OrdinalIgnoreCase))) continue;
                WriteObject(e);
            }
        }
    }
}
