using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>ReadTail reads -Tail from the end of the log and tells a follower where to start.</summary>
    public class ContainerLogTailTests
    {
        private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private static string Line(int i, string text) =>
            T0.AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture) + "00Z " + (i % 3 == 0 ? "stderr" : "stdout") + " " + text + "\n";

        private static string Marker(long b) => $"2026-01-01T00:00:00.000000000Z rotated {b}\n";

        /// <summary>A rotated file and a current one; lines of every length, some longer than the 64 KiB read chunk.</summary>
        private static (string Log, string Rotated, string Current) MakeLog(TempDirectory dir, int count)
        {
            var rotated = new StringBuilder();
            var current = new StringBuilder();
            for (int i = 1; i <= count; i++)
            {
                string text = i % 17 == 0 ? new string((char)('a' + i % 26), 70000 + i) : $"line {i} " + new string('x', i % 40) + " é";
                (i <= count / 2 ? rotated : current).Append(Line(i, text));
            }
            string r = rotated.ToString();
            dir.File("container.log.1", r);
            string c = Marker(Encoding.UTF8.GetByteCount(r)) + current;
            return (dir.File("container.log", c), r, c);
        }

        [Fact]
        public void Tail_is_the_last_entries_of_the_whole_log_for_any_count_and_since()
        {
            using var dir = new TempDirectory();
            var (log, _, _) = MakeLog(dir, 120);
            var all = ContainerLog.Read(log, null).ToList();
            Assert.Equal(120, all.Count);
            foreach (int n in new[] { 0, 1, 2, 16, 17, 59, 60, 61, 119, 120, 500 })
            {
                Assert.Equal(all.TakeLast(n).Select(e => e.Text), ContainerLog.ReadTail(log, n, null, out _).Select(e => e.Text));
                foreach (int s in new[] { 0, 30, 60, 61, 100, 121 })
                {
                    var since = T0.AddSeconds(s);
                    Assert.Equal(all.Where(e => e.Timestamp >= since).TakeLast(n).Select(e => e.Text),
                        ContainerLog.ReadTail(log, n, since, out _).Select(e => e.Text));
                }
            }
        }

        [Fact]
        public void A_follower_started_where_the_tail_starts_sees_the_tail_then_what_comes_after()
        {
            using var dir = new TempDirectory();
            var (log, _, _) = MakeLog(dir, 40);
            foreach (int n in new[] { 0, 3, 20, 25, 40, 99 })
            {
                var tail = ContainerLog.ReadTail(log, n, null, out long start);
                var followed = ContainerLog.Follow(log, () => true, CancellationToken.None, null, start).Select(e => e.Text).ToList();
                Assert.Equal(tail.Select(e => e.Text), followed);
            }
            ContainerLog.ReadTail(log, 0, null, out long end);
            File.AppendAllText(log, Line(41, "after"));
            Assert.Equal(new[] { "after" }, ContainerLog.Follow(log, () => true, CancellationToken.None, null, end).Select(e => e.Text));
        }

        [Fact]
        public void A_last_line_without_its_end_is_in_the_tail_like_in_a_full_read()
        {
            using var dir = new TempDirectory();
            string log = dir.File("container.log", Line(1, "one") + Line(2, "two").TrimEnd('\n'));
            Assert.Equal(new[] { "one", "two" }, ContainerLog.ReadTail(log, 5, null, out _).Select(e => e.Text));
            Assert.Empty(ContainerLog.ReadTail(Path.Combine(dir.Path, "missing.log"), 5, null, out long start));
            Assert.Equal(0, start);
        }

        [Fact]
        public void The_tail_of_a_log_with_eight_gibibytes_before_it_reads_only_the_end()
        {
            // A sparse hole without a newline: reading the log from its start would have to make one 8 GiB line of it.
            using var dir = new TempDirectory();
            string log = Path.Combine(dir.Path, "container.log");
            using (var fs = new FileStream(log, FileMode.Create, FileAccess.Write))
            {
                fs.SetLength(8L << 30);
                fs.Seek(0, SeekOrigin.End);
                var bytes = Encoding.UTF8.GetBytes("\n" + Line(1, "one") + Line(2, "two"));
                fs.Write(bytes, 0, bytes.Length);
            }
            Assert.Equal(new[] { "one", "two" }, ContainerLog.ReadTail(log, 2, null, out long start).Select(e => e.Text));
            Assert.Equal((8L << 30) + 1, start);
        }
    }
}
