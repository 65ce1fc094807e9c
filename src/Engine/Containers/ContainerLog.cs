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

        /// <summary>
        /// The last N entries at or after SINCE, oldest first, read backwards from the end of the log (the current file,
        /// then the rotated one only when it needs more), so a long log costs what the tail holds, not its size. START is
        /// where in the log (bytes since the first file began) the first of them starts, or the log's end for none: a
        /// follower starts there.
        /// </summary>
        public static List<LogEntry> ReadTail(string path, int n, DateTime? since, out long start)
        {
            var result = new List<LogEntry>();
            DateTime? from = since?.ToUniversalTime();
            using var current = TailFile.Open(path);
            start = current != null ? current.Base + current.Length : 0;
            if (n <= 0 || current == null) return result;
            bool done = current.CollectBackwards(n, from, result);
            if (current.FirstTaken is long a) start = a;
            if (!done)
                using (var rotated = TailFile.Open(RotatedPath(path)))
                    // A rotation between the two opens makes the rotated file the one already read: skip it then.
                    if (rotated != null && rotated.Base < current.Base)
                    {
                        rotated.CollectBackwards(n, from, result);
                        if (rotated.FirstTaken is long r) start = r;
                    }
            result.Reverse();
            return result;
        }

        /// <summary>One log file read from its end: its lines' entries newest first, with where each line starts.</summary>
        private sealed class TailFile : IDisposable
        {
            private const int Chunk = 65536;
            private readonly FileStream _fs;

            private TailFile(FileStream fs, long @base, long length) { _fs = fs; Base = @base; Length = length; }

            public long Base { get; }
            public long Length { get; }
            /// <summary>Where in the log the oldest entry taken so far starts.</summary>
            public long? FirstTaken { get; private set; }

            public static TailFile? Open(string path) =>
                OpenAtRotationBase(path, rewind: false) is var (fs, b)
                    ? new TailFile(fs, b, fs.Length)   // the length now: what the monitor appends later is a follower's
                    : null;

            /// <summary>Adds entries newest first to RESULT until it holds N or one is older than FROM (then true: done).</summary>
            public bool CollectBackwards(int n, DateTime? from, List<LogEntry> result)
            {
                var line = new List<byte[]>();   // the current line's pieces, last piece first
                long end = Length;               // the end of the line being assembled
                long pos = Length;
                var buffer = new byte[Chunk];
                while (pos > 0)
                {
                    int size = (int)Math.Min(Chunk, pos);
                    pos -= size;
                    _fs.Seek(pos, SeekOrigin.Begin);
                    _fs.ReadExactly(buffer, 0, size);
                    int stop = size;
                    for (int i = size - 1; i >= -1; i--)
                    {
                        if (i >= 0 && buffer[i] != (byte)'\n') continue;
                        if (i == -1 && pos > 0) break;   // the line goes on in the chunk before
                        line.Add(buffer.AsSpan(i + 1, stop - (i + 1)).ToArray());
                        long lineStart = pos + i + 1;
                        if (lineStart < end && Take(Join(line), lineStart)) return true;
                        line.Clear();
                        end = lineStart - 1;
                        stop = i;
                    }
                    if (stop > 0) line.Add(buffer.AsSpan(0, stop).ToArray());
                }
                return false;

                bool Take(string text, long lineStart)
                {
                    if (ParseLine(text) is not LogEntry e) return false;
                    if (from is DateTime f && e.Timestamp < f) return true;   // the log is in time order: all before are older
                    result.Add(e);
                    FirstTaken = Base + lineStart;
                    return result.Count >= n;
                }
            }

            private static string Join(List<byte[]> piecesLastFirst)
            {
                var all = new List<byte>();
                for (int i = piecesLastFirst.Count - 1; i >= 0; i--) all.AddRange(piecesLastFirst[i]);
                return Encoding.UTF8.GetString(all.ToArray());
            }

            public void Dispose() => _fs.Dispose();
        }

        /// <summary>The entries of one log file (none when it does not exist).</summary>
        public static IEnumerable<LogEntry> ReadFile(string path)
        {
            FileStream fs;
            // Opened now, not when enumerated: a rotation may take PATH away for a moment at any time.
#pragma warning disable CA2000 // the enumeration owns it (ReadLines disposes it at the end)
            try { fs = Open(path); }
#pragma warning restore CA2000
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
        public static IEnumerable<LogEntry> Follow(string path, Func<bool> finished, CancellationToken token, Action<long>? missed = null, long startAt = 0)
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
                    file.SkipTo(startAt);
                    foreach (var e in file.ReadAvailable()) yield return e;
                    // The monitor writes only to the file at PATH: when PATH has another base than ours, ours is complete.
#pragma warning disable CA2000 // it is disposed (the analyzer misreads a using inside an iterator)
                    using (var current = LogFile.Open(path))
#pragma warning restore CA2000
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

            /// <summary>Moves a fresh file to byte AT of the log (a line start from ReadTail) when AT lies past its start.</summary>
            public void SkipTo(long at)
            {
                if (at > Base + _fs.Position && _pending.Length == 0) _fs.Seek(Math.Min(at - Base, _fs.Length), SeekOrigin.Begin);
            }

            /// <summary>The file at PATH, or null when there is none (a rotation may be renaming it right now).</summary>
            public static LogFile? Open(string path) =>
                OpenAtRotationBase(path, rewind: true) is var (fs, b) ? new LogFile(fs, b) : null;

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

        /// <summary>
        /// The log file at PATH and the log offset its first byte has (its rotation marker; 0 without one), or
        /// null when there is no file (a rotation may be renaming it right now). REWIND: positioned at its start.
        /// </summary>
        private static (FileStream Stream, long Base)? OpenAtRotationBase(string path, bool rewind)
        {
            FileStream fs;
#pragma warning disable CA2000 // disposed below when reading its head fails, else owned by the caller
            try { fs = Open(path); }
#pragma warning restore CA2000
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
            try
            {
                // The marker is written before the file is renamed into place: a file that has one has it whole.
                var head = new byte[128];
                int n = fs.Read(head, 0, head.Length);
                int nl = Array.IndexOf(head, (byte)'\n', 0, n);
                long b = nl > 0 ? RotationBase(Encoding.UTF8.GetString(head, 0, nl)) : 0;
                if (rewind) fs.Seek(0, SeekOrigin.Begin);
                return (fs, b);
            }
            catch { fs.Dispose(); throw; }
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
