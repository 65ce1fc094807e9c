using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>
    /// The device cgroup of cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program, built from the allow list and
    /// attached to the container's cgroup from the engine's own process (bpf(2) is no fork), before any
    /// process joins it. Every open or mknod of a device node by a process in the cgroup (the init, its
    /// children, exec'd processes) runs it; the kernel frees it with the cgroup.
    /// </summary>
    public static unsafe class DeviceFilter
    {
        // uapi/linux/bpf.h
        private const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8;
        private const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15, BPF_CGROUP_DEVICE = 6, BPF_F_ALLOW_MULTI = 2;
        private const int BPF_DEVCG_DEV_BLOCK = 1, BPF_DEVCG_DEV_CHAR = 2;
        private const int BPF_DEVCG_ACC_MKNOD = 1, BPF_DEVCG_ACC_READ = 2, BPF_DEVCG_ACC_WRITE = 4;

        // Opcodes: class | op | source.
        private const byte LdxMemW = 0x61, Mov64Reg = 0xbf, Mov64Imm = 0xb7, Mov32Reg = 0xbc, And32Imm = 0x54, Rsh32Imm = 0x74, JneImm = 0x55, Exit = 0x95;

        private static ulong Insn(byte code, int dst, int src, short off, int imm) =>
            code | (ulong)(dst & 0xf) << 8 | (ulong)(src & 0xf) << 12 | (ulong)(ushort)off << 16 | (ulong)(uint)imm << 32;

        /// <summary>
        /// The program: ctx is struct bpf_cgroup_dev_ctx { u32 access_type (access &lt;&lt; 16 | type); u32 major; u32 minor; }.
        /// One block per rule that returns 1 (allow) when type, access, major and minor all match; 0 (deny) at the end.
        /// </summary>
        public static ulong[] Program(IReadOnlyList<DeviceRule> rules)
        {
            var insns = new List<ulong>
            {
                Insn(LdxMemW, 2, 1, 0, 0),       // r2 = access_type
                Insn(Mov64Reg, 3, 2, 0, 0),      // r3 = access_type
                Insn(And32Imm, 2, 0, 0, 0xffff), // w2 = type
                Insn(Rsh32Imm, 3, 0, 0, 16),     // w3 = access
                Insn(LdxMemW, 4, 1, 4, 0),       // r4 = major
                Insn(LdxMemW, 5, 1, 8, 0),       // r5 = minor
            };
            foreach (var rule in rules)
            {
                // Each check jumps past the rest of the block when it fails; the offsets are set once its length is known.
                var block = new List<(byte Code, int Dst, int Src, int Imm, bool Jump)>
                {
                    (JneImm, 2, 0, rule.Type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, true),
                };
                int allowed = Access(rule.Access);
                int all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
                if (allowed != all)
                {
                    block.Add((Mov32Reg, 1, 3, 0, false));              // w1 = access
                    block.Add((And32Imm, 1, 0, all & ~allowed, false)); // w1 &= what this rule does not allow
                    block.Add((JneImm, 1, 0, 0, true));                 // anything left: not this rule
                }
                if (rule.Major is long major) block.Add((JneImm, 4, 0, checked((int)major), true));
                if (rule.Minor is long minor) block.Add((JneImm, 5, 0, checked((int)minor), true));
                block.Add((Mov64Imm, 0, 0, 1, false));
                block.Add((Exit, 0, 0, 0, false));
                for (int i = 0; i < block.Count; i++)
                {
                    var b = block[i];
                    insns.Add(Insn(b.Code, b.Dst, b.Src, b.Jump ? (short)(block.Count - 1 - i) : (short)0, b.Imm));
                }
            }
            insns.Add(Insn(Mov64Imm, 0, 0, 0, 0));
            insns.Add(Insn(Exit, 0, 0, 0, 0));
            return insns.ToArray();
        }

        private static int Access(string access)
        {
            int a = 0;
            foreach (char c in access)
                a |= c switch { 'r' => BPF_DEVCG_ACC_READ, 'w' => BPF_DEVCG_ACC_WRITE, 'm' => BPF_DEVCG_ACC_MKNOD, _ => throw new ArgumentException($"device access '{access}'") };
            return a;
        }

        private static int SysBpf => SyscallNumbers.Current.Bpf;

        /// <summary>Loads the program for RULES and attaches it to the cgroup directory DIR (BPF_F_ALLOW_MULTI: it runs
        /// together with any program an ancestor has, so the strictest answer wins).</summary>
        public static void Attach(string dir, IReadOnlyList<DeviceRule> rules)
        {
            int prog = Load(Program(rules), dir);
            int cg = -1;
            try
            {
                byte[] path = Encoding.UTF8.GetBytes(dir + "\0");
                fixed (byte* p = path) cg = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
                if (cg < 0) throw Failure("open", dir, errno, null);
                byte* attr = stackalloc byte[32];
                new Span<byte>(attr, 32).Clear();
                *(uint*)(attr + 0) = (uint)cg;                 // target_fd
                *(uint*)(attr + 4) = (uint)prog;               // attach_bpf_fd
                *(uint*)(attr + 8) = BPF_CGROUP_DEVICE;        // attach_type
                *(uint*)(attr + 12) = BPF_F_ALLOW_MULTI;       // attach_flags
                if ((long)syscall(SysBpf, BPF_PROG_ATTACH, attr, 20) < 0) throw Failure("BPF_PROG_ATTACH", dir, errno, null);
            }
            finally
            {
                if (cg >= 0) close(cg);
                close(prog); // the cgroup keeps its own reference
            }
        }

        private static int Load(ulong[] insns, string dir)
        {
            byte[] license = Encoding.ASCII.GetBytes("Dual MIT/GPL\0");
            byte[] name = Encoding.ASCII.GetBytes("minidocker_dev");
            byte[]? log = null;
            byte* attr = stackalloc byte[72];
            for (int attempt = 0; ; attempt++)
            {
                new Span<byte>(attr, 72).Clear();
                long fd;
                fixed (ulong* code = insns)
                fixed (byte* lic = license)
                fixed (byte* logBuf = log)
                {
                    *(uint*)(attr + 0) = BPF_PROG_TYPE_CGROUP_DEVICE; // prog_type
                    *(uint*)(attr + 4) = (uint)insns.Length;          // insn_cnt
                    *(ulong*)(attr + 8) = (ulong)code;                // insns
                    *(ulong*)(attr + 16) = (ulong)lic;                // license
                    if (log != null)
                    {
                        *(uint*)(attr + 24) = 1;                      // log_level
                        *(uint*)(attr + 28) = (uint)log.Length;       // log_size
                        *(ulong*)(attr + 32) = (ulong)logBuf;         // log_buf
                    }
                    name.CopyTo(new Span<byte>(attr + 48, 16));       // prog_name
                    fd = (long)syscall(SysBpf, BPF_PROG_LOAD, attr, 72);
                }
                if (fd >= 0) return (int)fd;
                int err = errno;
                // Load again with the verifier's log, so the error says why.
                if (attempt == 0 && err is 22 or 13) { log = new byte[1 << 16]; continue; }
                string? why = log == null ? null : Encoding.ASCII.GetString(log).TrimEnd('\0').Trim();
                throw Failure("BPF_PROG_LOAD", dir, err, why);
            }
        }

        private static MiniDockerException Failure(string step, string dir, int err, string? verifierLog) =>
            new("DeviceCgroupFailed", FailureKind.NotInstalled,
                $"Could not install the device cgroup program on {dir} ({step}: {Marshal.GetPInvokeErrorMessage(err)}). " +
                "cgroup v2 needs a kernel with CONFIG_CGROUP_BPF and CAP_SYS_ADMIN (or CAP_BPF) for it; without it a container could open any host device." +
                (string.IsNullOrEmpty(verifierLog) ? "" : " Verifier: " + verifierLog), dir);
    }
}
