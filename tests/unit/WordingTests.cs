using System.Linq;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The engine names inputs and operations as data; the module words them as parameters and cmdlets.</summary>
    public class WordingTests
    {
        [Fact]
        public void An_engine_message_names_no_PowerShell_parameter_and_carries_the_input_as_data()
        {
            var e = Assert.Throws<MiniDockerException>(() => new LimitRequest { MemorySwap = 64L << 20 }.ApplyTo(new ResourceLimits(), HostCpus.Current()));
            Assert.Equal("MemorySwapWithoutMemory", e.ErrorId);
            Assert.Equal("MemorySwap", e.Parameter);
            Assert.Equal("MemorySwap limits memory plus swap, so it needs Memory as well.", e.Message);
            var worded = e.WordedBy(p => "-" + p, op => op);
            Assert.Equal("-MemorySwap limits memory plus swap, so it needs -Memory as well.", worded.Message);
            Assert.Equal((e.ErrorId, e.Kind, e.Target, e.Parameter), (worded.ErrorId, worded.Kind, worded.Target, worded.Parameter));
        }

        [Theory]
        [InlineData("New-MiniContainer -RootFs $args[0] -Command true -MemorySwap 64MB", "MemorySwapWithoutMemory", "-MemorySwap limits memory plus swap, so it needs -Memory as well.")]
        [InlineData("New-MiniContainer -Image no-such-image -Command true -Pull Never", "ImageNotFound", "No image 'no-such-image:latest'; import one with Import-MiniImage.")]
        public void The_module_words_inputs_as_its_parameters_and_operations_as_its_cmdlets(string command, string errorId, string message)
        {
            string rootfs = System.IO.Path.Combine(BuiltModule.RepoRoot, "out", "rootfs");
            var result = BuiltModule.Instance.Invoke("try { " + command + " -ErrorAction Stop } catch { $_.FullyQualifiedErrorId; $_.Exception.Message; $_.Exception.GetType().FullName }", rootfs)
                .Select(o => o.ToString()).ToList();
            Assert.StartsWith(errorId + ",", result[0]);
            Assert.Equal(message, result[1]);
            Assert.Equal("MiniDocker.Engine.MiniDockerException", result[2]);
        }

        [Fact]
        public void A_message_without_names_is_worded_as_itself()
        {
            var e = new MiniDockerException("X", FailureKind.InvalidArgument, "plain");
            Assert.Same(e, e.WordedBy(p => "-" + p, op => op));
            Assert.Null(e.Parameter);
        }
    }
}
