using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace MiniDocker.Engine
{
    /// <summary>Reads the log the monitor writes: "TIMESTAMP STREAM TEXT" per line.</summary>
    public static class ContainerLog
    {
        public static LogEntry? ParseLine(string line)
        {
            var f = line.Split(' ', 3);
            if (f.Length < 2) return null;
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
        public static IEnumerable<LogEntry> ReadFile(string path) =>
            File.Exists(path) ? ReadLines(path).Select(ParseLine).Where(e => e != null).Cast<LogEntry>() : Enumerable.Empty<LogEntry>();

        private static IEnumerable<string> ReadLines(string path)
        {
            using var fs = Open(path);
            using var reader = new StreamReader(fs, Encoding.UTF8);
            string? line;
            while ((line = reader.ReadLine()) != null) yield return line;
        }

        /// <summary>
        /// Yields entries as the monitor writes them, from the start of the log, until FINISHED says the
        /// container has exited (then the rest is drained) or the token is cancelled.
        /// </summary>
        public static IEnumerable<LogEntry> Follow(string path, Func<bool> finished, CancellationToken token, long fromOffset = 0)
        {
            while (!File.Exists(path))
            {
                if (finished() || token.IsCancellationRequested) yield break;
                Thread.Sleep(10);
            }
            var fs = Open(path);
            try
            {
                fs.Seek(Math.Min(fromOffset, fs.Length), SeekOrigin.Begin);
                var pending = new StringBuilder();
                var buffer = new byte[16384];
                var decoder = Encoding.UTF8.GetDecoder();
                var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
                while (!token.IsCancellationRequested)
                {
                    bool done = finished(); // sampled before reading, so nothing written before exit is missed
                    int n;
                    while ((n = fs.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        int c = decoder.GetChars(buffer, 0, n, chars, 0);
                        pending.Append(chars, 0, c);
                        foreach (var e in TakeCompleteLines(pending)) yield return e;
                    }
                    if (done) yield break;
                    // Rotated (logmax): the file at PATH is now shorter than the one just drained, which reached
                    // the cap. Our length first: the same file only grows, so a later look at it is never shorter.
                    long drained = fs.Length;
                    if (File.Exists(path) && new FileInfo(path).Length < drained)
                    {
                        fs.Dispose();
                        fs = Open(path);
                        continue;
                    }
                    token.WaitHandle.WaitOne(15);
                }
            }
            finally { fs.Dispose(); }
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
