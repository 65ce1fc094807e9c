using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
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
        // A string literal of the engine that names a PowerShell parameter (" -Force") or a cmdlet ("Get-MiniContainer").
        private static readonly Regex PowerShellWordInLiteral = new(@"\$?""(?:[^""\\]|\\.)*(?:(?<![\w-])-[A-Z][a-z]+[A-Za-z]*|[A-Z][a-z]+-Mini[A-Z])(?:[^""\\]|\\.)*""");

        [Fact]
        public void No_engine_source_file_words_a_message_in_PowerShell_terms()
        {
            string dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "MiniDocker.PowerShell.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("no repository above the tests");
            var found = Directory.EnumerateFiles(Path.Combine(dir, "src", "Engine"), "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
                .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
                .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && PowerShellWordInLiteral.IsMatch(x.line))
                .Select(x => $"{Path.GetRelativePath(dir, x.f)}:{x.i + 1}: {x.line.Trim()}")
                .ToList();
            Assert.True(found.Count == 0, "Engine messages take parameters and cmdlets as data (MiniDockerException's wording overload):\n" + string.Join("\n", found));
        }
    }
}
