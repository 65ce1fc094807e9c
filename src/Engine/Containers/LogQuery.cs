using System;

namespace MiniDocker.Engine.Containers
{
    /// <summary>Which of a container's log entries to read (docker logs --tail/--since/--follow).</summary>
    public sealed class LogQuery
    {
        /// <summary>Only the last N entries (of those at or after Since); null: all kept.</summary>
        public int? Tail { get; init; }
        /// <summary>Only entries written at or after this time.</summary>
        public DateTime? Since { get; init; }
        /// <summary>After the entries written so far, go on with new ones until the container exits or the query is cancelled.</summary>
        public bool Follow { get; init; }
    }
}
