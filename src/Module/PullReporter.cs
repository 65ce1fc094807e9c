using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using MiniDocker.Engine.Registry;

namespace MiniDocker
{
    /// <summary>
    /// Runs a pull on a worker thread and shows what it reports on the pipeline thread (the only one
    /// allowed to write): one progress bar per layer under an overall one with bytes and rate, and
    /// the engine's verbose messages and warnings.
    /// </summary>
    internal sealed class PullReporter
    {
        private readonly Cmdlet _cmdlet;
        private readonly string _title;
        private readonly BlockingCollection<Action> _queue = new();
        private readonly Dictionary<int, (long Done, long Total)> _layers = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _count;

        public PullReporter(Cmdlet cmdlet, string title)
        {
            _cmdlet = cmdlet;
            _title = title;
        }

        public T Run<T>(PullOptions options, Func<T> work)
        {
            options.Progress = p => _queue.Add(() => Show(p));
            options.Verbose = m => _queue.Add(() => _cmdlet.WriteVerbose(m));
            options.Warning = m => _queue.Add(() => _cmdlet.WriteWarning(m));
            var task = Task.Run(() => { try { return work(); } finally { _queue.CompleteAdding(); } });
            try { foreach (var show in _queue.GetConsumingEnumerable()) show(); }
            finally
            {
                // On Ctrl+C a write throws PipelineStoppedException at once: the worker's cleanup (the cancelled
                // layer's temporary directory removed, the store lock released) still finishes before we return.
                try { task.Wait(); } catch (AggregateException) { }
                try
                {
                    foreach (var i in _layers.Keys) _cmdlet.WriteProgress(new ProgressRecord(2 + i, "Layer", "Done") { ParentActivityId = 1, RecordType = ProgressRecordType.Completed });
                    _cmdlet.WriteProgress(new ProgressRecord(1, _title, "Done") { RecordType = ProgressRecordType.Completed });
                }
                catch (PipelineStoppedException) { }
            }
            return task.GetAwaiter().GetResult();
        }

        private void Show(PullProgress p)
        {
            _count = p.Count;
            _layers[p.Index] = (p.Done, p.Total);
            var layer = new ProgressRecord(2 + p.Index, $"Layer {p.Index + 1}/{p.Count} {p.Layer}", $"{p.Status} {Mb(p.Done)} of {Mb(p.Total)}")
            {
                ParentActivityId = 1,
                PercentComplete = p.Total > 0 ? (int)Math.Min(100, p.Done * 100 / p.Total) : -1,
            };
            if (p.Status is "Pull complete" or "Already exists") layer.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(layer);
            long done = _layers.Values.Sum(l => l.Done), total = _layers.Values.Sum(l => Math.Max(0, l.Total));
            double rate = done / Math.Max(0.001, _clock.Elapsed.TotalSeconds);
            // A fresh record per update: a host may keep the records it was given (a job's Progress stream does).
            _cmdlet.WriteProgress(new ProgressRecord(1, _title, $"{_layers.Count} of {_count} layers started, {Mb(done)} of {Mb(total)} at {Mb((long)rate)}/s")
            {
                PercentComplete = total > 0 ? (int)Math.Min(100, done * 100 / total) : -1,
            });
        }

        private static string Mb(long bytes) => bytes < 0 ? "?" : $"{bytes / 1048576.0:0.0} MB";
    }
}
