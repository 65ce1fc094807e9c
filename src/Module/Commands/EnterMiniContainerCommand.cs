using System;
using System.Collections;
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
    public sealed class EnterMiniContainerCommand : ContainerCmdlet
    {
        /// <summary>The program to run; /bin/sh by default.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string[] Command { get; set; } = { "/bin/sh" };

        [Parameter]
        public Hashtable? Environment { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkingDirectory { get; set; }

        /// <summary>Run as this user (uid[:gid] or name[:group] from the container's /etc/passwd).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

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
            var spec = new ExecSpec
            {
                Command = Command,
                Environment = ToEnvironment(Environment),
                WorkingDirectory = WorkingDirectory,
                User = User,
                Tty = true,
            };
            foreach (var c in ResolveContainers())
            {
                ExecResult? result = null;
                if (!Try(() => result = Engine.Interact(c.Id, spec), c) || result == null) continue;
                SessionState.PSVariable.Set("global:LASTEXITCODE", result.ExitCode);
                if (PassThru) WriteObject(result);
                return; // one session per invocation
            }
        }
    }
}
