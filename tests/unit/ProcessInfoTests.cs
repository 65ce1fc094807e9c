using System;
using System.Diagnostics;
using System.IO;
using MiniDocker.Engine.Kernel;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The start time that tells a live process from a recycled PID, read straight from /proc/PID/stat.</summary>
    public sealed class ProcessInfoTests
    {
        /// <summary>Field 22 the plain way: split the text after the last ')'.</summary>
        private static ulong Field22(int pid)
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return ulong.Parse(stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')[19]);
        }

        [Fact]
        public void StartTimeIsField22OfStat()
        {
            Assert.Equal(Field22(Environment.ProcessId), ProcessInfo.StartTime(Environment.ProcessId));
            Assert.Equal(Field22(1), ProcessInfo.StartTime(1));
        }

        [Fact]
        public void ACommandNameWithSpacesAndParenthesesDoesNotShiftTheFields()
        {
            // comm is the file name (15 bytes at most): ") 1 2 (x" would fool a parser that splits from the start.
            string dir = Path.Combine(Path.GetTempPath(), "mdpi-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                string odd = Path.Combine(dir, ") 1 2 (x");
                File.Copy("/bin/sleep", odd);
                File.SetUnixFileMode(odd, UnixFileMode.UserRead | UnixFileMode.UserExecute);
                using var p = Process.Start(new ProcessStartInfo(odd, "30"))!;
                try
                {
                    Assert.Contains(") 1 2 (x", File.ReadAllText($"/proc/{p.Id}/stat"));
                    Assert.Equal(Field22(p.Id), ProcessInfo.StartTime(p.Id));
                    Assert.True(ProcessInfo.IsSame(p.Id, Field22(p.Id)));
                }
                finally { p.Kill(); p.WaitForExit(); }
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public void AGoneOrZombieProcessHasNone()
        {
            Assert.Null(ProcessInfo.StartTime(int.MaxValue));
            // A zombie: exited, not yet reaped by its parent (a shell that sleeps before it waits).
            using var sh = Process.Start(new ProcessStartInfo("/bin/sh", new[] { "-c", "sleep 0.01 & echo $!; exec sleep 30" }) { RedirectStandardOutput = true })!;
            try
            {
                int child = int.Parse(sh.StandardOutput.ReadLine()!);
                var deadline = DateTime.UtcNow.AddSeconds(10);
                while (!File.ReadAllText($"/proc/{child}/stat").Contains(") Z ") && DateTime.UtcNow < deadline) System.Threading.Thread.Sleep(10);
                Assert.Contains(") Z ", File.ReadAllText($"/proc/{child}/stat"));
                Assert.Null(ProcessInfo.StartTime(child));
            }
            finally { sh.Kill(); sh.WaitForExit(); }
        }
    }
}
