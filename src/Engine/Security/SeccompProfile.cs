using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MiniDocker.Engine.Security
{
    /// <summary>One seccomp rule as the helper takes it: syscall, action, and argument conditions that must all hold.</summary>
    public sealed record SeccompRule(string Syscall, string Action, string Conditions = "");

    /// <summary>
    /// A seccomp filter: a default action plus rules, in the helper's syntax (docs/launch-plan.md): actions are
    /// allow, errno:N, kill, kill_process, trap, log; a condition is INDEX:OP:VALUE:VALUE2.
    /// </summary>
    public sealed class SeccompProfile
    {
        private const int EPERM = 1, ENOSYS = 38;
        /// <summary>The clone flags that create namespaces: clone with any of them needs CAP_SYS_ADMIN.</summary>
        private const ulong NamespaceCloneFlags = 0x7E020000; // NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET

        public string DefaultAction { get; init; } = "errno:1";
        public List<SeccompRule> Rules { get; } = new();

        // ------------------------------------------------------------- Docker's default profile, as data

        /// <summary>Allowed for every container (Docker's default allowlist; names this kernel/libseccomp lacks are skipped by the helper).</summary>
        private static readonly string[] AlwaysAllowed =
        {
            "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir", "chmod",
            "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
            "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
            "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
            "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
            "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64",
            "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl",
            "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
            "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_time64",
            "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid", "getegid32", "geteuid",
            "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid",
            "getpgrp", "getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid",
            "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt",
            "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch",
            "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
            "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
            "io_uring_enter", "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule",
            "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat",
            "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64",
            "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
            "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
            "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap",
            "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at",
            "nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
            "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll",
            "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6",
            "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv",
            "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename",
            "renameat", "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
            "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
            "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
            "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
            "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
            "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop",
            "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid",
            "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
            "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32",
            "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
            "set_tid_address", "setuid", "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown",
            "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice",
            "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs",
            "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
            "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
            "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
            "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes",
            "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
            // Since Linux 4.8 ptrace cannot be used to bypass seccomp, so Docker allows it unconditionally.
            "process_vm_readv", "process_vm_writev", "ptrace",
        };

        /// <summary>Allowed only on this architecture.</summary>
        private static readonly Dictionary<Architecture, string[]> ArchAllowed = new()
        {
            [Architecture.X64] = new[] { "arch_prctl", "modify_ldt" },
            [Architecture.Arm64] = new[] { "arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls" },
        };

        /// <summary>Allowed when the container holds the capability that already governs what they do.</summary>
        private static readonly (string Cap, string[] Syscalls)[] CapabilityAllowed =
        {
            ("DAC_READ_SEARCH", new[] { "open_by_handle_at" }),
            ("SYS_ADMIN", new[] { "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
                "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl",
                "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount", "umount2", "unshare" }),
            ("SYS_BOOT", new[] { "reboot" }),
            ("SYS_CHROOT", new[] { "chroot" }),
            ("SYS_MODULE", new[] { "delete_module", "init_module", "finit_module" }),
            ("SYS_PACCT", new[] { "acct" }),
            ("SYS_PTRACE", new[] { "kcmp", "pidfd_getfd", "process_madvise" }),
            ("SYS_RAWIO", new[] { "iopl", "ioperm" }),
            ("SYS_TIME", new[] { "settimeofday", "stime", "clock_settime", "clock_settime64" }),
            ("SYS_TTY_CONFIG", new[] { "vhangup" }),
            ("SYS_NICE", new[] { "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node" }),
            ("SYSLOG", new[] { "syslog" }),
            ("BPF", new[] { "bpf" }),
            ("PERFMON", new[] { "perf_event_open" }),
        };

        /// <summary>personality(2) personas Docker allows: PER_LINUX, PER_LINUX32, UNAME26 variants, and the query.</summary>
        private static readonly ulong[] AllowedPersonalities = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

        /// <summary>Docker's default profile for a container holding CAPS: an allowlist, EPERM for the rest.</summary>
        public static SeccompProfile Default(ulong caps)
        {
            var p = new SeccompProfile { DefaultAction = "errno:" + EPERM };
            var allowed = new List<string>(AlwaysAllowed);
            if (ArchAllowed.TryGetValue(RuntimeInformation.OSArchitecture, out var arch)) allowed.AddRange(arch);
            foreach (var (cap, names) in CapabilityAllowed)
                if (Capabilities.Has(caps, cap)) allowed.AddRange(names);
            foreach (var name in allowed.Distinct()) p.Rules.Add(new SeccompRule(name, "allow"));
            // AF_VSOCK (40) sockets would reach the hypervisor's host.
            p.Rules.Add(new SeccompRule("socket", "allow", "0:ne:40:0"));
            foreach (var persona in AllowedPersonalities) p.Rules.Add(new SeccompRule("personality", "allow", $"0:eq:{persona}:0"));
            if (!Capabilities.Has(caps, "SYS_ADMIN"))
            {
                // fork and threads, but no namespaces; clone3 hides its flags in memory, so libc must fall back to clone.
                p.Rules.Add(new SeccompRule("clone", "allow", $"0:masked_eq:{NamespaceCloneFlags}:0"));
                p.Rules.Add(new SeccompRule("clone3", "errno:" + ENOSYS));
            }
            return p;
        }

        // ------------------------------------------------------------- Docker's JSON format (the subset MiniDocker supports)

        /// <summary>
        /// Reads a Docker seccomp profile: defaultAction, defaultErrnoRet, architectures/archMap (the helper always
        /// filters the native ABI and its compat ABIs), syscalls[] with names/name, action, errnoRet, args and
        /// includes/excludes by caps, arches and minKernel. Anything else is a SeccompProfileUnsupported error.
        /// </summary>
        public static SeccompProfile FromDockerJson(string json, ulong caps, string source)
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
            catch (JsonException e) { throw Invalid(source, $"is not valid JSON: {e.Message}"); }
            using (doc)
            try
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Invalid(source, "must be a JSON object.");
                foreach (var prop in root.EnumerateObject())
                    if (prop.Name is not ("defaultAction" or "defaultErrnoRet" or "architectures" or "archMap" or "syscalls"))
                        throw Unsupported(source, $"the top-level field '{prop.Name}'");
                int? defaultErrno = root.TryGetProperty("defaultErrnoRet", out var de) ? de.GetInt32() : null;
                var profile = new SeccompProfile
                {
                    DefaultAction = Action(root.TryGetProperty("defaultAction", out var da) ? da.GetString() : null, defaultErrno, source),
                };
                if (root.TryGetProperty("syscalls", out var syscalls) && syscalls.ValueKind == JsonValueKind.Array)
                    foreach (var s in syscalls.EnumerateArray()) AddDockerRule(profile, s, caps, source);
                profile.Rules.RemoveAll(r => r.Action == profile.DefaultAction && r.Conditions.Length == 0);
                return profile;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                throw Invalid(source, $"does not follow Docker's profile format: {e.Message}");
            }
        }

        private static void AddDockerRule(SeccompProfile profile, JsonElement s, ulong caps, string source)
        {
            foreach (var prop in s.EnumerateObject())
                if (prop.Name is not ("names" or "name" or "action" or "errnoRet" or "args" or "includes" or "excludes" or "comment"))
                    throw Unsupported(source, $"the syscall field '{prop.Name}'");
            if (s.TryGetProperty("includes", out var inc) && !Criteria(inc, caps, source).All(x => x)) return;
            if (s.TryGetProperty("excludes", out var exc) && Criteria(exc, caps, source).Any(x => x)) return;
            int? errnoRet = s.TryGetProperty("errnoRet", out var er) ? er.GetInt32() : null;
            string action = Action(s.TryGetProperty("action", out var a) ? a.GetString() : null, errnoRet, source);
            var conditions = new List<string>();
            if (s.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array)
                foreach (var arg in args.EnumerateArray())
                {
                    string op = (arg.GetProperty("op").GetString() ?? "") switch
                    {
                        "SCMP_CMP_NE" => "ne", "SCMP_CMP_LT" => "lt", "SCMP_CMP_LE" => "le", "SCMP_CMP_EQ" => "eq",
                        "SCMP_CMP_GE" => "ge", "SCMP_CMP_GT" => "gt", "SCMP_CMP_MASKED_EQ" => "masked_eq",
                        var other => throw Unsupported(source, $"the comparison '{other}'"),
                    };
                    ulong value = arg.TryGetProperty("value", out var v) ? v.GetUInt64() : 0;
                    ulong valueTwo = arg.TryGetProperty("valueTwo", out var v2) ? v2.GetUInt64() : 0;
                    conditions.Add($"{arg.GetProperty("index").GetUInt32()}:{op}:{value}:{valueTwo}");
                }
            var names = new List<string>();
            if (s.TryGetProperty("names", out var ns) && ns.ValueKind == JsonValueKind.Array) names.AddRange(ns.EnumerateArray().Select(n => n.GetString() ?? ""));
            if (s.TryGetProperty("name", out var n1)) names.Add(n1.GetString() ?? "");
            foreach (var name in names.Where(n => n.Length > 0))
            {
                if (name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch == '_')))
                    throw Invalid(source, $"names the syscall '{name}', which is not a syscall name.");
                profile.Rules.Add(new SeccompRule(name, action, string.Join(",", conditions)));
            }
        }

        /// <summary>
        /// One result per criterion in an includes/excludes object, with Docker's meaning: caps holds when the
        /// container has every listed capability under includes and any of them under excludes; arches when this
        /// architecture is listed; minKernel when the running kernel is at least that version.
        /// </summary>
        private static IEnumerable<bool> Criteria(JsonElement filter, ulong caps, string source)
        {
            if (filter.ValueKind != JsonValueKind.Object) yield break;
            foreach (var prop in filter.EnumerateObject())
                switch (prop.Name)
                {
                    case "caps":
                        foreach (var c in prop.Value.EnumerateArray()) yield return Capabilities.Has(caps, Capabilities.Normalize(c.GetString() ?? ""));
                        break;
                    case "arches":
                        if (prop.Value.GetArrayLength() > 0)
                            yield return prop.Value.EnumerateArray().Any(x => DockerArchNames().Contains(x.GetString() ?? ""));
                        break;
                    case "minKernel":
                        yield return !Version.TryParse(prop.Value.GetString(), out var min) || Environment.OSVersion.Version >= min;
                        break;
                    default:
                        throw Unsupported(source, $"the includes/excludes field '{prop.Name}'");
                }
        }

        private static string[] DockerArchNames() => RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => new[] { "amd64", "x86_64", "SCMP_ARCH_X86_64", "x86", "x32", "386" },
            Architecture.Arm64 => new[] { "arm64", "aarch64", "SCMP_ARCH_AARCH64", "arm" },
            var a => new[] { a.ToString().ToLowerInvariant() },
        };

        private static string Action(string? dockerAction, int? errnoRet, string source) => dockerAction switch
        {
            "SCMP_ACT_ALLOW" => "allow",
            "SCMP_ACT_ERRNO" => "errno:" + (errnoRet ?? EPERM),
            "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => "kill",
            "SCMP_ACT_KILL_PROCESS" => "kill_process",
            "SCMP_ACT_TRAP" => "trap",
            "SCMP_ACT_LOG" => "log",
            null => throw Invalid(source, "has a rule or default without an action."),
            _ => throw Unsupported(source, $"the action '{dockerAction}'"),
        };

        private static MiniDockerException Invalid(string source, string what) =>
            new("InvalidSeccompProfile", FailureKind.InvalidArgument, $"Seccomp profile '{source}' {what}", source);

        private static MiniDockerException Unsupported(string source, string what) =>
            new("SeccompProfileUnsupported", FailureKind.NotImplemented,
                $"Seccomp profile '{source}' uses {what}, which MiniDocker does not support. Supported: defaultAction, defaultErrnoRet, " +
                "syscalls with names/name, action (ALLOW, ERRNO, KILL, KILL_THREAD, KILL_PROCESS, TRAP, LOG), errnoRet, args, includes/excludes (caps, arches, minKernel).", source);
    }
}
