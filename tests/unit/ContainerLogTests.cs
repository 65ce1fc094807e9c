using System;
using System.IO;
using System.Linq;
using System.Threading;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class ContainerLogTests
    {
        [Fact]
        public void Parses_the_monitors_nine_digit_fraction_as_utc()
        {
            var e = ContainerLog.ParseLine("2026-11-29T15:47:34.123456789Z stdout hello world")!;
            Assert.Equal(new DateTime(2026, 11, 29, 15, 47, 34, DateTimeKind.Utc).AddTicks(1234567), e.Timestamp);
            Assert.Equal(DateTimeKind.Utc, e.Timestamp.Kind);
            Assert.Equal("stdout", e.Stream);
            Assert.Equal("hello world", e.Text);
        }

        [Theory]
        [InlineData("2026-01-02T03:04:05.000000001Z stderr   indented  text", "stderr", "  indented  text")]
        [InlineData("2026-01-02T03:04:05.5Z stdout", "stdout", "")]
        [InlineData("2026-01-02T03:04:05.123456789Z stdout a\tb", "stdout", "a\tb")]
        public void Keeps_the_text_exactly(string line, string stream, string text)
        {
            var e = ContainerLog.ParseLine(line)!;
            Assert.Equal(stream, e.Stream);
            Assert.Equal(text, e.Text);
        }

        [Theory]
        [InlineData("")]
        [InlineData("garbage")]
        [InlineData("not-a-time stdout x")]
        public void Rejects_lines_that_are_not_log_entries(string line) => Assert.Null(ContainerLog.ParseLine(line));

        [Fact]
        public void Read_skips_bad_lines_and_tail_keeps_the_last_entries()
        {
            using var dir = new TempDirectory();
            string log = dir.File("container.log",
                "2026-01-01T00:00:01.000000000Z stdout one\ncorrupt\n2026-01-01T00:00:02.000000000Z stderr two\n2026-01-01T00:00:03.000000000Z stdout three\n");
            Assert.Equal(new[] { "one", "two", "three" }, ContainerLog.Read(log, null).Select(e => e.Text));
            Assert.Equal(new[] { "two", "three" }, ContainerLog.Read(log, 2).Select(e => e.Text));
            Assert.Empty(ContainerLog.Read(Path.Combine(dir.Path, "missing.log"), null));
        }

        [Fact]
        public void Follow_drains_what_was_written_once_finished_and_holds_back_a_partial_line()
        {
            using var dir = new TempDirectory();
            string log = dir.File("container.log", "2026-01-01T00:00:01.000000000Z stdout done\n2026-01-01T00:00:02.000000000Z stdout partial");
            var got = ContainerLog.Follow(log, () => true, CancellationToken.None).Select(e => e.Text).ToList();
            Assert.Equal(new[] { "done" }, got);
        }

        [Fact]
        public void Follow_sees_every_line_once_while_the_file_grows_under_it()
        {
            // A growing (not rotated) log must never look rotated: the follower would start over and repeat lines.
            using var dir = new TempDirectory();
            string log = dir.File("container.log");
            const int Lines = 100000;
            bool written = false;
            var writer = new Thread(() =>
            {
                using var w = new StreamWriter(new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
                for (int i = 1; i <= Lines; i++)
                {
                    w.Write($"2026-01-01T00:00:01.000000000Z stdout line {i}\n");
                    w.Flush();
                }
                Volatile.Write(ref written, true);
            });
            writer.Start();
            var got = ContainerLog.Follow(log, () => Volatile.Read(ref written), CancellationToken.None).Select(e => e.Text).ToList();
            writer.Join();
            Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line {i}"), got);
        }

        private static string Line(string text) => $"2026-01-01T00:00:01.000000000Z stdout {text}\n";
        private static string Marker(long @base) => $"2026-01-01T00:00:01.000000000Z rotated {@base}\n";

        [Fact]
        public void The_rotation_marker_is_no_entry()
        {
            Assert.Null(ContainerLog.ParseLine("2026-01-01T00:00:01.000000000Z rotated 4096"));
            using var dir = new TempDirectory();
            string first = Line("1") + Line("2");
            dir.File("container.log.1", first);
            string log = dir.File("container.log", Marker(first.Length) + Line("3"));
            Assert.Equal(new[] { "1", "2", "3" }, ContainerLog.Read(log, null).Select(e => e.Text));
        }

        [Fact]
        public void Follow_goes_on_across_rotations_and_counts_the_bytes_of_files_rotated_away_unread()
        {
            using var dir = new TempDirectory();
            string a = Line("1") + Line("2");
            string log = dir.File("container.log", a);
            long missed = 0;
            bool finished = false;
            using var follow = ContainerLog.Follow(log, () => finished, CancellationToken.None, m => missed += m).GetEnumerator();
            Assert.True(follow.MoveNext());
            Assert.Equal("1", follow.Current.Text);

            // Three rotations while the reader is busy: B is rotated away unread, C is kept as .1, D is current.
            string b = Marker(a.Length) + Line("3");
            string c = Marker(a.Length + b.Length) + Line("4");
            string d = Marker(a.Length + b.Length + c.Length) + Line("5");
            File.Move(log, log + ".1", overwrite: true);
            File.WriteAllText(log, b);
            File.Move(log, log + ".1", overwrite: true);
            File.WriteAllText(log, c);
            File.Move(log, log + ".1", overwrite: true);
            File.WriteAllText(log, d);
            finished = true;

            var rest = new System.Collections.Generic.List<string>();
            while (follow.MoveNext()) rest.Add(follow.Current.Text);
            Assert.Equal(new[] { "2", "4", "5" }, rest);
            Assert.Equal(b.Length, missed);
        }

        [Fact]
        public void Follow_starts_with_the_rotated_file_and_misses_nothing_when_both_are_kept()
        {
            using var dir = new TempDirectory();
            string first = Marker(100) + Line("1");
            dir.File("container.log.1", first);
            string log = dir.File("container.log", Marker(100 + first.Length) + Line("2"));
            long missed = 0;
            var got = ContainerLog.Follow(log, () => true, CancellationToken.None, m => missed += m).Select(e => e.Text).ToList();
            Assert.Equal(new[] { "1", "2" }, got);
            Assert.Equal(0, missed);   // what the cap dropped before the reader came is not the reader's loss
        }
    }
}
