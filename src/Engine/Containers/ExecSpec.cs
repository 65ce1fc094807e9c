using System;
using System.Collections.Generic;

namespace MiniDocker.Engine
{
    /// <summary>What the user asked for in Invoke-MiniContainer / Enter-MiniContainer.</summary>
    public sealed class ExecSpec
    {
        public string[] Command { get; set; } = Array.Empty<string>();
        /// <summary>Added to (and overriding) the container's own environment.</summary>
        public IDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();
        /// <summary>Inside the container; null means the container's working directory.</summary>
        public string? WorkingDirectory { get; set; }
        /// <summary>uid[:gid] or name[:group] from the container's /etc/passwd; null means the container's user.</summary>
        public string? User { get; set; }
        /// <summary>A new pty for the command, relayed to the caller's terminal.</summary>
        public bool Tty { get; set; }
    }
}

namespace MiniDocker
{
    /// <summary>How a command run inside a container ended (Invoke-MiniContainer -PassThru).</summary>
    public sealed class ExecResult
    {
        public string ContainerId { get; init; } = "";
        public string ContainerName { get; init; } = "";
        public string[] Command { get; init; } = Array.Empty<string>();
        /// <summary>The command's exit code; 128+N when signal N killed it.</summary>
        public int ExitCode { get; init; }
        public DateTime StartedAt { get; init; }
        public DateTime FinishedAt { get; init; }
        public TimeSpan Duration => FinishedAt - StartedAt;
        public override string ToString() => $"{ContainerName}: {string.Join(" ", Command)} exited {ExitCode}";
    }
}
