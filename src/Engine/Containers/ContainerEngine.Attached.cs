using System;
using System.Threading;

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Starts ID attached (docker start -a), hands OUTPUT every line the container writes, losslessly and in order,
        /// and returns the container once it has exited, with its exit code. When TOKEN is cancelled the wait ends at
        /// once and the container runs on: the container is returned as started.
        /// </summary>
        public Container RunAttached(string id, Action<LogEntry> output, CancellationToken token)
        {
            using var attachment = StartAttached(id);
            var c = attachment.Container;
            foreach (var line in attachment.Lines(token)) output(line);
            if (token.IsCancellationRequested) return c;
            return Wait(c.Id, null, token);
        }
    }
}
