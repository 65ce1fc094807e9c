using System.Runtime.InteropServices;

namespace MiniDocker.Engine.Kernel
{
    /// <summary>
    /// Numbers of the syscalls the engine makes without a libc wrapper, per architecture: x86_64 has its
    /// own table, arm64 the generic one (include/uapi/asm-generic/unistd.h). Other architectures are refused.
    /// </summary>
    internal sealed record SyscallNumbers(string Architecture, int Statfs, int Flock, int PidfdOpen, int Openat2, int Fsetxattr, int Lsetxattr, int Lgetxattr, int Bpf)
    {
        public static readonly SyscallNumbers X64 = new("x64", Statfs: 137, Flock: 73, PidfdOpen: 434, Openat2: 437, Fsetxattr: 190, Lsetxattr: 189, Lgetxattr: 192, Bpf: 321);
        public static readonly SyscallNumbers Arm64 = new("arm64", Statfs: 43, Flock: 32, PidfdOpen: 434, Openat2: 437, Fsetxattr: 7, Lsetxattr: 6, Lgetxattr: 9, Bpf: 280);

        public static SyscallNumbers For(Architecture architecture) => architecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => X64,
            System.Runtime.InteropServices.Architecture.Arm64 => Arm64,
            _ => throw new MiniDockerException("ArchitectureNotSupported", FailureKind.NotImplemented,
                $"MiniDocker runs on x64 and arm64 Linux only; this process is {architecture}.", architecture),
        };

        /// <summary>This process's table; the error above on any other architecture (at the first such call, not at load).</summary>
        public static SyscallNumbers Current => For(RuntimeInformation.ProcessArchitecture);
    }
}
