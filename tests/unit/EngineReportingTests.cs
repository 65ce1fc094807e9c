using System;
using MiniDocker.Engine;
using MiniDocker.Engine.Launch;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>What the engine computes for reports: CPU percent between two samples, and the launch plan as -Verbose tells it.</summary>
    public class EngineReportingTests
    {
        private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        [Fact]
        public void Cpu_percent_is_cpu_time_over_wall_time_between_samples()
        {
            var a = new ContainerStats { Timestamp = T0, CpuTime = TimeSpan.FromSeconds(10) };
            var b = new ContainerStats { Timestamp = T0.AddSeconds(2), CpuTime = TimeSpan.FromSeconds(13) };
            Assert.Equal(150.0, ContainerEngine.CpuPercent(a, b));   // 1.5 CPUs busy
            Assert.Null(ContainerEngine.CpuPercent(null, b));         // a first sample has no rate
            Assert.Null(ContainerEngine.CpuPercent(b, b));            // no time between them
        }

        [Fact]
        public void A_plan_is_summarized_by_step_kind_in_order_without_its_paths()
        {
            var plan = new LaunchPlan().Hostname("box").Mount("a", "/x", "tmpfs", 0, "").Mount("b", "/y", "proc", 0, "").Pivot("/new").Arg("sh");
            string text = ContainerEngine.Summarize(plan);
            Assert.Equal("6 steps: version, hostname, mount x2, pivot, arg", text);   // every plan opens with its version
            Assert.DoesNotContain("/new", text);
        }
    }
}
