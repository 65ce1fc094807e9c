using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace MiniDocker.Engine.Containers
{
    /// <summary>Reads the log the monitor writes: "TIMESTAMP STREAM TEXT" per line.</summary>
    public static class ContainerLog
    {
        /// <summary>The stream name of the marker line a rotated log file starts with: "TIMESTAMP rotated BASE".</summary>
        private const string RotatedTag = "rotated";

        public static LogEntry? ParseLine(string line)
        {
            var f = line.Split(' ', 3);
            if (f.Length < 2 || f[1] == RotatedTag) return null;
            // .NET parses at most 7 fractional digits; the monitor writes 9.
            string ts = f[0];
            int dot = ts.IndexOf('.');
            if (dot > 0 && ts.EndsWith("Z") && ts.Length - dot - 2 > 7) ts = ts.Substring(0, dot + 8) + "Z";
            if (!DateTime.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
                return null;
            return new LogEntry(when, f[1], f.Length > 2 ? f[2] : "");
        }

        /// <summary>The file the monitor rotated PATH to when it reached the `logmax` size.</summary>
        public static string RotatedPath(string path) => path + ".1";

        /// <summary>Entries at or after SINCE (all when null), oldest first: the rotated file, then the current one.</summary>
        public static IEnumerable<LogEntry> Read(string path, int? tail, DateTime? since = null)
        {
            var entries = ReadFile(RotatedPath(path)).Concat(ReadFile(path));
            if (since is DateTime s) entries = entries.Where(e => e.Timestamp >= s.ToUniversalTime());
            return tail is int n ? entries.TakeLast(n).ToList() : entries.ToList();
        }

        /// <summary>The entries of one log file (none when it does not exist).</summary>
        public static IEnumerable<LogEntry> ReadFile(string path)
        {
            FileStream fs;
            // Opened now, not when enumerated: a rotation may take PATH away for a moment at any time.
            try { fs = Open(path); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return Enumerable.Empty<LogEntry>(); }
            return ReadLines(fs).Select(ParseLine).Where(e => e != null).Cast<LogEntry>();
        }

        private static IEnumerable<string> ReadLines(FileStream file)
        {
            using var fs = file;
            using var reader = new StreamReader(fs, Encoding.UTF8);
            string? line;
            while ((line = reader.ReadLine()) != null) yield return line;
        }

        /// <summary>
        /// Yields entries as the monitor writes them, from the oldest kept (the rotated file, then the current one), until
        /// FINISHED says the container has exited (then the rest is drained) or the token is cancelled. A reader that falls
        /// so far behind that a file it had not read was rotated away goes on with the oldest file still kept, and MISSED
        /// gets the number of bytes it lost.
        /// </summary>
        public static IEnumerable<LogEntry> Follow(string path, Func<bool> finished, CancellationToken token, Action<long>? missed = null)
        {
            LogFile? file = null;
            try
            {
                while (!token.IsCancellationRequested)
                {
                    bool done = finished(); // sampled before reading, so nothing written before exit is missed
                    if (file == null && (file = LogFile.Open(RotatedPath(path)) ?? LogFile.Open(path)) == null)
                    {
                        if (done) yield break;
                        token.WaitHandle.WaitOne(10);
                        continue;
                    }
                    foreach (var e in file.ReadAvailable()) yield return e;
                    // The monitor writes only to the file at PATH: when PATH has another base than ours, ours is complete.
                    using (var current = LogFile.Open(path))
                        if (current != null && current.Base != file.Base)
                        {
                            foreach (var e in file.ReadAvailable()) yield return e;
                            var next = Successor(path, file.Base + file.Consumed);
                            if (next != null)
                            {
                                if (next.Base > file.Base + file.Consumed) missed?.Invoke(next.Base - (file.Base + file.Consumed));
                                file.Dispose();
                                file = next;
                                continue;
                            }
                        }
                    if (done) yield break;
                    token.WaitHandle.WaitOne(15);
                }
            }
            finally { file?.Dispose(); }
        }

        /// <summary>The kept file that continues at byte EXPECTED of the log, else the oldest kept one after it; null when neither is there yet.</summary>
        private static LogFile? Successor(string path, long expected)
        {
            var rotated = LogFile.Open(RotatedPath(path));
            if (rotated != null && rotated.Base >= expected) return rotated;
            rotated?.Dispose();
            var current = LogFile.Open(path);
            if (current != null && current.Base >= expected) return current;
            current?.Dispose();
            return null;
        }

        /// <summary>"TIMESTAMP rotated BASE": the bytes the log's earlier files held; a file without the marker is the first (0).</summary>
        private static long RotationBase(string firstLine)
        {
            var f = firstLine.Split(' ', 3);
            return f.Length == 3 && f[1] == RotatedTag && long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0;
        }

        /// <summary>One log file being followed: where it starts in the log (its base) and how much of it has been read.</summary>
        private sealed class LogFile : IDisposable
        {
            private readonly FileStream _fs;
            private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
            private readonly StringBuilder _pending = new();
            private readonly byte[] _buffer = new byte[16384];
            private readonly char[] _chars = new char[Encoding.UTF8.GetMaxCharCount(16384)];

            private LogFile(FileStream fs, long @base) { _fs = fs; Base = @base; }

            public long Base { get; }
            public long Consumed => _fs.Position;

            /// <summary>The file at PATH, or null when there is none (a rotation may be renaming it right now).</summary>
            public static LogFile? Open(string path)
            {
                FileStream fs;
                try { fs = ContainerLog.Open(path); }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
                // The marker is written before the file is renamed into place: a file that has one has it whole.
                var head = new byte[128];
                int n = fs.Read(head, 0, head.Length);
                int nl = Array.IndexOf(head, (byte)'\n', 0, n);
                long b = nl > 0 ? RotationBase(Encoding.UTF8.GetString(head, 0, nl)) : 0;
                fs.Seek(0, SeekOrigin.Begin);
                return new LogFile(fs, b);
            }

            public List<LogEntry> ReadAvailable()
            {
                var result = new List<LogEntry>();
                int n;
                while ((n = _fs.Read(_buffer, 0, _buffer.Length)) > 0)
                {
                    int c = _decoder.GetChars(_buffer, 0, n, _chars, 0);
                    _pending.Append(_chars, 0, c);
                    result.AddRange(TakeCompleteLines(_pending));
                }
                return result;
            }

            public void Dispose() => _fs.Dispose();
        }

        private static FileStream Open(string path) =>
            new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        private static List<LogEntry> TakeCompleteLines(StringBuilder pending)
        {
            var result = new List<LogEntry>();
            string s = pending.ToString();
            int start = 0, nl;
            while ((nl = s.IndexOf('\n', start)) >= 0)
            {
                if (ParseLine(s.Substring(start, nl - start)) is LogEntry e) result.Add(e);
                start = nl + 1;
            }
            pending.Remove(0, start);
            return result;
        }
    }
}
