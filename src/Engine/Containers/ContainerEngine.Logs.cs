using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// ID's log entries as QUERY asks, oldest first, across the rotated file and the current one. -Tail reads from
        /// the end of the log; a follower starts at the first of those entries. MISSED gets the bytes a follower lost
        /// when it fell behind the log's rotation.
        /// </summary>
        public IEnumerable<LogEntry> QueryLogs(string id, LogQuery query, CancellationToken token = default, Action<long>? missed = null)
        {
            var c = _store.Load(id) ?? throw NotFound(id);
            string path = _store.LogPath(id);
            DateTime? since = query.Since?.ToUniversalTime();
            long startAt = 0;
            if (query.Tail is int n)
            {
                var tail = ContainerLog.ReadTail(path, n, since, out startAt);
                if (!query.Follow) return tail;
            }
            else if (!query.Follow) return ContainerLog.Read(path, null, since);
            return ContainerLog.Follow(path,
                    () => c.State is not (ContainerState.Running or ContainerState.Paused) || File.Exists(_store.ExitPath(id)) || !ProcessInfo.IsSame(c.MonitorPid, c.MonitorStartTime),
                    token, missed, startAt)
                .Where(e => since == null || e.Timestamp >= since);
        }
    }
}
