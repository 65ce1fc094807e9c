using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class SyscallNumbersTests
    {
        [Fact]
        public void Each_architecture_gets_its_own_table()
        {
            Assert.Same(SyscallNumbers.X64, SyscallNumbers.For(Architecture.X64));
            Assert.Same(SyscallNumbers.Arm64, SyscallNumbers.For(Architecture.Arm64));
            Assert.Equal(137, SyscallNumbers.X64.Statfs);
            Assert.Equal(43, SyscallNumbers.Arm64.Statfs);
        }

        [Theory]
        [InlineData(Architecture.X86)]
        [InlineData(Architecture.Arm)]
        [InlineData(Architecture.RiscV64)]
        [InlineData(Architecture.S390x)]
        public void Other_architectures_are_refused_with_a_clear_error(Architecture architecture)
        {
            var e = Assert.Throws<MiniDockerException>(() => SyscallNumbers.For(architecture));
            Assert.Equal("ArchitectureNotSupported", e.ErrorId);
            Assert.Equal(FailureKind.NotImplemented, e.Kind);
            Assert.Contains(architecture.ToString(), e.Message);
        }

        // The kernel's own headers (linux-libc-dev, which the helper's build needs): x86_64 has its own
        // table, arm64 uses the generic one.
        [Theory]
        [InlineData("x64", "/usr/include/x86_64-linux-gnu/asm/unistd_64.h")]
        [InlineData("arm64", "/usr/include/asm-generic/unistd.h")]
        public void Tables_match_the_kernel_headers(string architecture, string header)
        {
            var defined = new Dictionary<string, int>();
            foreach (Match m in Regex.Matches(File.ReadAllText(header), @"#define __NR(?:3264)?_(\w+)\s+(\d+)\b"))
                defined[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var table = architecture == "x64" ? SyscallNumbers.X64 : SyscallNumbers.Arm64;
            Assert.Equal(architecture, table.Architecture);
            Assert.Equal(defined["statfs"], table.Statfs);
            Assert.Equal(defined["flock"], table.Flock);
            Assert.Equal(defined["pidfd_open"], table.PidfdOpen);
            Assert.Equal(defined["openat2"], table.Openat2);
            Assert.Equal(defined["fsetxattr"], table.Fsetxattr);
            Assert.Equal(defined["lsetxattr"], table.Lsetxattr);
            Assert.Equal(defined["lgetxattr"], table.Lgetxattr);
        }

        [Fact]
        public void This_process_uses_its_own_table_for_real_calls()
        {
            Assert.Same(SyscallNumbers.For(RuntimeInformation.ProcessArchitecture), SyscallNumbers.Current);
            Assert.Equal(0x9fa0L, Syscalls.FilesystemType("/proc"));   // PROC_SUPER_MAGIC through statfs
        }
    }
}
