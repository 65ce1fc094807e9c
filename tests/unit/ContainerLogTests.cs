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
    }
}
