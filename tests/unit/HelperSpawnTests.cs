using System;
using System.IO;
using System.Linq;
using System.Text;
using MiniDocker.Engine.Launch;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>How the engine starts `mdhelper run` (posix_spawn, one poll loop), with /bin/sh standing in for the helper.</summary>
    public sealed class HelperSpawnTests : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void ThePlanGoesInOnStdinAndTheFirstStdoutLineComesBack()
        {
            string got = Path.Combine(_dir.Path, "plan");
            var (line, stderr) = HelperSpawn.Run("/bin/sh", new[] { "-c", $"cat > {got}; echo 'ok 12 34'; echo later" }, Encoding.UTF8.GetBytes("hostname x\nexec /bin/true\n"));
            Assert.Equal("ok 12 34\n", line);
            Assert.Equal("", stderr);
            Assert.Equal("hostname x\nexec /bin/true\n", File.ReadAllText(got));
        }

        [Fact]
        public void ALargeStderrBeforeTheReportDoesNotBlockAndIsKeptWhole()
        {
            // 200 KiB on stderr before a word on stdout: read one after the other, the helper would block on a full pipe.
            var (line, stderr) = HelperSpawn.Run("/bin/sh", new[] { "-c", "head -c 204800 /dev/zero | tr '\\0' e >&2; echo 'error 3 mount 2 /x'" }, new byte[0]);
            Assert.Equal("error 3 mount 2 /x\n", line);
            Assert.Equal(204800, stderr.Length);
            Assert.True(stderr.All(ch => ch == 'e'));
        }

        [Fact]
        public void TheHelperGetsAnEmptyEnvironmentAndNoSignalIgnored()
        {
            // SigIgn in /proc/self/status: .NET ignores SIGPIPE; the helper (and the container's init after it) must not inherit that.
            var (line, _) = HelperSpawn.Run("/bin/sh", new[] { "-c", "echo \"$(env | grep -cv '^PWD=\\|^SHLVL=\\|^_=') $(grep SigIgn /proc/self/status | cut -f2)\"" }, new byte[0]);
            Assert.Equal("0 0000000000000000\n", line);
        }

        [Fact]
        public void NoReportAndAnEarlyExitGiveNoLineAndTheStderr()
        {
            // The helper exits before reading its plan (EPIPE on our write) and says why on stderr.
            var (line, stderr) = HelperSpawn.Run("/bin/sh", new[] { "-c", "echo 'mdhelper: bad plan' >&2; exit 1" }, new byte[1 << 20]);
            Assert.Null(line);
            Assert.Equal("mdhelper: bad plan\n", stderr);
        }
    }
}
