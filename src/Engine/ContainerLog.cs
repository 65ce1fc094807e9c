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

        public static IEnumerable<LogEntry> Read(string path, int? tail)
        {
            if (!File.Exists(path)) return Enumerable.Empty<LogEntry>();
            var entries = ReadLines(path).Select(ParseLine).Where(e => e != null).Cast<LogEntry>();
            return tail is int n ? entries.TakeLast(n).ToList() : entries.ToList();
        }

        private static IEnumerable<string> ReadLines(string path)
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
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
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
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
                token.WaitHandle.WaitOne(15);
            }
        }

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
