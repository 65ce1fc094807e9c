using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MiniDocker.Engine.Containers
{
    /// <summary>A command running inside a container: its output as it arrives, then its result.</summary>
    public sealed class ExecSession : IDisposable
    {
        private readonly ContainerEngine.ExecJob _job;
        private readonly Process _helper;
        private readonly BlockingCollection<LogEntry> _lines = new();
        private readonly Task _readers;

        internal ExecSession(ContainerEngine.ExecJob job, Process helper)
        {
            _job = job;
            Container = job.Container.ToContainer();
            _helper = helper;
            _helper.StandardInput.Close();
            _readers = Task.WhenAll(Pump(_helper.StandardOutput, "stdout"), Pump(_helper.StandardError, "stderr"))
                .ContinueWith(_ => _lines.CompleteAdding(), TaskScheduler.Default);
        }

        public Container Container { get; }

        private Task Pump(StreamReader reader, string stream) => Task.Factory.StartNew(() =>
        {
            string? line;
            while ((line = reader.ReadLine()) != null) _lines.Add(new LogEntry(DateTime.UtcNow, stream, line));
        }, TaskCreationOptions.LongRunning);

        /// <summary>stdout and stderr lines in arrival order until the command's output ends; on cancel the command is killed.</summary>
        public IEnumerable<LogEntry> Output(CancellationToken token)
        {
            using var enumerator = _lines.GetConsumingEnumerable(token).GetEnumerator();
            while (true)
            {
                bool more;
                try { more = enumerator.MoveNext(); }
                catch (OperationCanceledException) { Kill(); yield break; }
                if (!more) yield break;
                yield return enumerator.Current;
            }
        }

        /// <summary>Waits for the command and returns its result; throws the specific failure if it never ran.</summary>
        public ExecResult Finish()
        {
            _helper.WaitForExit();
            _readers.Wait();
            return _job.Finish(_helper.ExitCode);
        }

        /// <summary>Ends the command (and what it started in its session); the container keeps running.</summary>
        public void Kill()
        {
            if (!_helper.HasExited) Syscalls.Kill(_helper.Id, Syscalls.SIGTERM_);
        }

        public void Dispose()
        {
            Kill();
            _helper.WaitForExit();
            _helper.Dispose();
            _job.Delete();
        }
    }
}
