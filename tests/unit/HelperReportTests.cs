using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class HelperReportTests
    {
        [Fact]
        public void Parses_ok_with_monitor_and_init_pids()
        {
            var r = HelperReport.Parse("ok 4242 4243\n");
            Assert.True(r.Ok);
            Assert.Equal(4242, r.MonitorPid);
            Assert.Equal(4243, r.InitPid);
        }

        [Fact]
        public void Parses_an_error_whose_argument_contains_spaces()
        {
            var r = HelperReport.Parse("error 7 mount 2 rootfs/my dir/proc\n");
            Assert.False(r.Ok);
            Assert.Equal(7, r.StepIndex);
            Assert.Equal("mount", r.Step);
            Assert.Equal(2, r.Errno);
            Assert.Equal("rootfs/my dir/proc", r.Argument);
        }

        [Fact]
        public void Parses_an_exec_failure_with_index_minus_one()
        {
            var r = HelperReport.Parse("error -1 exec 13 /bin/app");
            Assert.Equal(-1, r.StepIndex);
            Assert.Equal("exec", r.Step);
            Assert.Equal(13, r.Errno);
            Assert.Equal("/bin/app", r.Argument);
        }

        [Theory]
        [InlineData("ok 12")]
        [InlineData("ok x 12")]
        [InlineData("error 1 mount notanumber /x")]
        [InlineData("hello")]
        [InlineData("")]
        public void Anything_else_is_a_protocol_error_that_keeps_the_line(string line)
        {
            var r = HelperReport.Parse(line);
            Assert.False(r.Ok);
            Assert.Equal("protocol", r.Step);
            Assert.Equal(line, r.Argument);
        }

        [Fact]
        public void No_line_at_all_is_a_protocol_error()
        {
            var r = HelperReport.Parse(null);
            Assert.Equal("protocol", r.Step);
            Assert.Equal("(no report)", r.Argument);
        }
    }
}
