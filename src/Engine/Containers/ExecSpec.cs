using System;
using System.Collections.Generic;

namespace MiniDocker.Engine.Containers
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
