using System;
using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker.Commands
{
    /// <summary>
    /// An interactive shell inside a running container on a new pty (docker exec -it): raw mode, window
    /// size, Ctrl+C goes to the container; `exit` returns here with the terminal as it was.
    /// </summary>
    [Cmdlet(VerbsCommon.Enter, "MiniContainer", DefaultParameterSetName = ByName)]
    [OutputType(typeof(ExecResult))]
    public sealed class EnterMiniContainerCommand : ExecCmdlet
    {
        /// <summary>The program to run; /bin/sh by default.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Command { get; set; } = { "/bin/sh" };

        protected override void BeginProcessing()
        {
            // The helper relays the session through this process's own terminal: there must be one.
            if (Console.IsInputRedirected || Console.IsOutputRedirected)
                ThrowTerminatingError(new ErrorRecord(
                    new PSInvalidOperationException("Enter-MiniContainer needs an interactive terminal, and input or output is redirected. Use Invoke-MiniContainer to run a command without one."),
                    "NoTerminal", ErrorCategory.InvalidOperation, null));
        }

        protected override void ProcessRecord()
        {
            var spec = ExecSpecFor(Command, tty: true);
            foreach (var c in ResolveContainers())
            {
                ExecResult? result = null;
                if (!Try(() => result = Engine.Interact(c.Id, spec), c) || result == null) continue;
                Finish(result, c, Command);
                return; // one session per invocation
            }
        }
    }
}
