using System;
using System.IO;
using System.Linq;
using MiniDocker.Engine.Containers;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The event log's append: one open that reads the last byte and writes at the end.</summary>
    public class EventLogTests
    {
        private static ContainerEvent Event(string action) =>
            new() { Time = DateTime.UtcNow, Action = action, ContainerId = new string('a', 64), ContainerName = "web" };

        [Fact]
        public void Appends_one_line_per_event_to_a_new_private_file()
        {
            using var dir = new TempDirectory();
            var log = new EventLog(dir.Path);
            log.Append(Event("create"));
            log.Append(Event("start"));
            Assert.Equal(new[] { "create", "start" }, log.Read().Select(e => e.Action));
            Assert.Equal(2, File.ReadAllLines(log.FilePath).Length);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log.FilePath));
        }

        [Fact]
        public void A_line_a_crash_cut_short_costs_only_itself()
        {
            using var dir = new TempDirectory();
            var log = new EventLog(dir.Path);
            log.Append(Event("create"));
            File.AppendAllText(log.FilePath, "{\"Time\":\"2026-");   // a write cut short: no newline
            log.Append(Event("start"));
            var lines = File.ReadAllLines(log.FilePath);
            Assert.Equal(3, lines.Length);
            Assert.Equal("{\"Time\":\"2026-", lines[1]);
            Assert.Equal(new[] { "create", "start" }, log.Read().Select(e => e.Action));
        }

        [Fact]
        public void A_full_log_becomes_the_previous_one()
        {
            using var dir = new TempDirectory();
            var log = new EventLog(dir.Path);
            File.WriteAllText(log.FilePath, new string('x', (int)EventLog.MaxBytes - 1) + "\n");
            log.Append(Event("remove"));
            Assert.Equal(EventLog.MaxBytes, new FileInfo(log.FilePath + ".1").Length);
            Assert.Equal(new[] { "remove" }, log.Read().Select(e => e.Action));
            Assert.Single(File.ReadAllLines(log.FilePath));
        }
    }
}
