using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class EngineHygieneTests : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public async Task Launch_drains_a_helper_that_fills_stderr_before_its_report()
        {
            // A stand-in helper: 1 MiB on stderr (far beyond a 64 KiB pipe) before the report on stdout.
            // Read one after the other, the helper blocks on stderr while the engine waits on stdout.
            string helper = _dir.File("fake-helper",
                "#!/bin/sh\n/bin/cat >/dev/null\n/usr/bin/head -c 1048576 /dev/zero | /usr/bin/tr '\\0' x >&2\necho ok 4242 4243\n",
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var launch = Task.Run(() => Helper.Launch(helper, new LaunchPlan().Arg("true")));
            bool done = await Task.WhenAny(launch, Task.Delay(TimeSpan.FromSeconds(60))) == launch;
            Assert.True(done, "Helper.Launch hung on a helper with a full stderr pipe");
            var report = await launch;
            Assert.True(report.Ok);
            Assert.Equal(4242, report.MonitorPid);
            Assert.Equal(4243, report.InitPid);
        }

        [Fact]
        public void Completing_a_container_name_writes_no_record()
        {
            var module = BuiltModule.Instance; // sets MINIDOCKER_ROOT to its throw-away state root
            var store = new ContainerStore(new EngineOptions().ContainersRoot);
            // Running by its record, but its init and monitor are gone (PIDs above any pid_max): a
            // reconciling read would rewrite it as stopped.
            var c = new ContainerRecord
            {
                Id = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant().PadRight(64, 'c'),
                Name = "tab-" + Guid.NewGuid().ToString("n").Substring(0, 8),
                State = ContainerState.Running,
                RootFs = "/nonexistent",
                Command = new[] { "sh" },
                Created = DateTime.UtcNow,
                Pid = 4194305,
                PidStartTime = 1,
                MonitorPid = 4194306,
                MonitorStartTime = 1,
            };
            Directory.CreateDirectory(store.DirectoryOf(c.Id));
            try
            {
                store.Save(c);
                byte[] before = File.ReadAllBytes(store.RecordPath(c.Id));
                string line = "Stop-MiniContainer -Name " + c.Name.Substring(0, 6);
                var matches = module.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object CompletionText", line)
                    .Select(o => o.ToString()).ToList();
                Assert.Contains(c.Name, matches);
                Assert.Equal(before, File.ReadAllBytes(store.RecordPath(c.Id)));
            }
            finally { Directory.Delete(store.DirectoryOf(c.Id), true); }
        }
    }
}
