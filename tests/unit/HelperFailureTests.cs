using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class HelperFailureTests
    {
        private static readonly Container C = new() { Id = "abc", Name = "web" };

        private static MiniDockerException Map(string line, HelperMode mode) =>
            HelperFailure.ToException(HelperReport.Parse(line), C, mode, "container 'web'", "1000");

        [Theory]
        [InlineData("error 7 exec 2 /bin/nothere", "CommandNotFound")]
        [InlineData("error 7 exec 13 /etc/passwd", "CommandNotExecutable")]
        [InlineData("error 5 cwd 2 /nowhere", "WorkingDirectoryNotFound")]
        [InlineData("error 5 cwd 20 /etc/passwd/x", "WorkingDirectoryNotFound")]
        [InlineData("error 5 cwd 13 /root", "WorkingDirectoryNotAccessible")]
        [InlineData("error 3 tty 24 /dev/ptmx", "TerminalUnavailable")]
        public void Run_and_exec_read_a_failed_step_the_same_way(string line, string errorId)
        {
            Assert.Equal(errorId, Map(line, HelperMode.Run).ErrorId);
            Assert.Equal(errorId, Map(line, HelperMode.Exec).ErrorId);
            Assert.Same(C, Map(line, HelperMode.Exec).Target);
        }

        [Fact]
        public void An_unknown_step_names_the_mode_and_the_errno()
        {
            var run = Map("error 9 seccomp 22 filter", HelperMode.Run);
            var exec = Map("error 9 seccomp 22 filter", HelperMode.Exec);
            Assert.Equal("ContainerStartFailed", run.ErrorId);
            Assert.Equal("ExecFailed", exec.ErrorId);
            Assert.Contains("step 'seccomp' (filter)", exec.Message);
            Assert.Contains("Invalid argument", exec.Message);
        }

        [Fact]
        public void The_command_check_wins_over_execve_errno()
        {
            var specific = new MiniDockerException("CommandInterpreterNotFound", FailureKind.ObjectNotFound, "no interpreter", C);
            var e = HelperFailure.ToException(HelperReport.Parse("error 7 exec 2 /script"), C, HelperMode.Run, "rootfs /r", null, () => specific);
            Assert.Same(specific, e);
        }
    }
}
