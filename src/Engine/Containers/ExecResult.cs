using System;

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
