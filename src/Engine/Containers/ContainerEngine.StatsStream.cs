using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        /// <summary>
        /// Samples IDS every INTERVAL until none of them runs or TOKEN is cancelled (docker stats). From a container's
        /// second sample on, CpuPercent is its CPU time over the wall time since the previous sample (100 = one CPU).
        /// A container that stops goes to ENDED, one whose figures cannot be read to FAILED; both leave the stream.
        /// </summary>
        public IEnumerable<ContainerStats> StreamStats(IEnumerable<string> ids, TimeSpan interval, CancellationToken token,
            Action<Container>? ended = null, Action<string, MiniDockerException>? failed = null)
        {
            var previous = new Dictionary<string, ContainerStats>();
            var live = ids.Distinct().ToList();
            while (live.Count > 0 && !token.IsCancellationRequested)
            {
                foreach (var id in live.ToList())
                {
                    var c = Get(id);
                    if (c is not { State: ContainerState.Running or ContainerState.Paused })
                    {
                        if (c != null) ended?.Invoke(c);
                        live.Remove(id);
                        continue;
                    }
                    ContainerStats s;
                    try { s = Stats(id); }
                    catch (MiniDockerException e) when (e.ErrorId == "ContainerNotRunning")
                    {
                        // It stopped between the look above and the read: it ended, like one found stopped.
                        if (Get(id) is { } stopped) ended?.Invoke(stopped);
                        live.Remove(id);
                        continue;
                    }
                    catch (MiniDockerException e)
                    {
                        failed?.Invoke(id, e);
                        live.Remove(id);
                        continue;
                    }
                    s.CpuPercent = CpuPercent(previous.GetValueOrDefault(id), s);
                    previous[id] = s;
                    yield return s;
                }
                token.WaitHandle.WaitOne(interval);
            }
        }

        /// <summary>CPU time used between two samples as a percentage of their wall-clock distance; null without an earlier sample.</summary>
        public static double? CpuPercent(ContainerStats? earlier, ContainerStats later) =>
            earlier != null && later.Timestamp > earlier.Timestamp
                ? Math.Round(100 * (later.CpuTime - earlier.CpuTime).TotalSeconds / (later.Timestamp - earlier.Timestamp).TotalSeconds, 1)
                : null;
    }
}
