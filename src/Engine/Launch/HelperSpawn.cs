using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Launch
{
    /// <summary>
    /// `mdhelper run` with the plan on its stdin, its report read on the calling thread: posix_spawn (glibc's
    /// clone(CLONE_VM|CLONE_VFORK), no managed code in the child) and one poll loop over stdout and stderr. The
    /// Process class cost a thread-pool read of stderr, a SIGCHLD bookkeeping entry and their wake-ups on every start
    /// (issue 15: pool threads spinning were ~10% of a start's CPU in pwsh).
    /// </summary>
    internal static unsafe class HelperSpawn
    {
        private const int POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
        // glibc's opaque types, with room to spare (x86_64 and arm64: 80, 336 and 128 bytes).
        private const int FileActionsSize = 256, AttrSize = 512, SigsetSize = 128;

        [DllImport("libc", SetLastError = true)] private static extern int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);
        [DllImport("libc")] private static extern int posix_spawn_file_actions_init(void* fa);
        [DllImport("libc")] private static extern int posix_spawn_file_actions_destroy(void* fa);
        [DllImport("libc")] private static extern int posix_spawn_file_actions_adddup2(void* fa, int fd, int newFd);
        [DllImport("libc")] private static extern int posix_spawnattr_init(void* attr);
        [DllImport("libc")] private static extern int posix_spawnattr_destroy(void* attr);
        [DllImport("libc")] private static extern int posix_spawnattr_setflags(void* attr, short flags);
        [DllImport("libc")] private static extern int posix_spawnattr_setsigmask(void* attr, void* set);
        [DllImport("libc")] private static extern int posix_spawnattr_setsigdefault(void* attr, void* set);
        [DllImport("libc")] private static extern int sigemptyset(void* set);
        [DllImport("libc", EntryPoint = "waitpid", SetLastError = true)] private static extern int WaitPid(int pid, int* status, int options);
        // Our own declarations, so the errno after each call is the one Marshal keeps (EINTR must be told apart reliably).
        [DllImport("libc", EntryPoint = "pipe2", SetLastError = true)] private static extern int Pipe2(int* fds, int flags);
        [DllImport("libc", EntryPoint = "poll", SetLastError = true)] private static extern int Poll(pollfd* fds, ulong n, int timeout);
        [DllImport("libc", EntryPoint = "read", SetLastError = true)] private static extern nint Read(int fd, byte* buf, nuint count);
        [DllImport("libc", EntryPoint = "write", SetLastError = true)] private static extern nint Write(int fd, byte* buf, nuint count);
        [DllImport("libc", EntryPoint = "close")] private static extern int Close(int fd);

        private static int Errno => Marshal.GetLastPInvokeError();

        /// <summary>Runs EXECUTABLE with ARGS and an empty environment, INPUT on its stdin; its first stdout line and all of its stderr.</summary>
        public static (string? Line, string Stderr) Run(string executable, string[] args, byte[] input)
        {
            int* inPipe = stackalloc int[2];
            int* outPipe = stackalloc int[2];
            int* errPipe = stackalloc int[2];
            inPipe[0] = inPipe[1] = outPipe[0] = outPipe[1] = errPipe[0] = errPipe[1] = -1;
            int pid = -1;
            try
            {
                // Close-on-exec everywhere: a helper another thread spawns meanwhile must not inherit these.
                if (Pipe2(inPipe, O_CLOEXEC) < 0 || Pipe2(outPipe, O_CLOEXEC) < 0 || Pipe2(errPipe, O_CLOEXEC) < 0)
                    throw new Win32Exception(Errno, "mdhelper did not start: pipe2");
                pid = Spawn(executable, args, inPipe[0], outPipe[1], errPipe[1]);
                CloseFd(ref inPipe[0]);
                CloseFd(ref outPipe[1]);
                CloseFd(ref errPipe[1]);
                WriteAll(inPipe[1], input);
                CloseFd(ref inPipe[1]);
                return ReadReport(outPipe[0], errPipe[0]);
            }
            finally
            {
                CloseFd(ref inPipe[0]); CloseFd(ref inPipe[1]);
                CloseFd(ref outPipe[0]); CloseFd(ref outPipe[1]);
                CloseFd(ref errPipe[0]); CloseFd(ref errPipe[1]);
                if (pid > 0) Reap(pid);
            }
        }

        private static int Spawn(string executable, string[] args, int stdin, int stdout, int stderr)
        {
            byte* fa = stackalloc byte[FileActionsSize];
            byte* attr = stackalloc byte[AttrSize];
            byte* none = stackalloc byte[SigsetSize];
            byte* all = stackalloc byte[SigsetSize];
            var argv = new string[args.Length + 1];
            argv[0] = executable;
            args.CopyTo(argv, 1);
            var handles = new GCHandle[argv.Length];
            byte** argp = stackalloc byte*[argv.Length + 1];
            byte** envp = stackalloc byte*[1];
            envp[0] = null;
            posix_spawn_file_actions_init(fa);
            posix_spawnattr_init(attr);
            try
            {
                for (int i = 0; i < argv.Length; i++)
                {
                    handles[i] = GCHandle.Alloc(Encoding.UTF8.GetBytes(argv[i] + "\0"), GCHandleType.Pinned);
                    argp[i] = (byte*)handles[i].AddrOfPinnedObject();
                }
                argp[argv.Length] = null;
                // dup2 clears close-on-exec on 0-2 only; everything else of this process stays behind (all of it is O_CLOEXEC).
                if (posix_spawn_file_actions_adddup2(fa, stdin, 0) != 0 || posix_spawn_file_actions_adddup2(fa, stdout, 1) != 0
                    || posix_spawn_file_actions_adddup2(fa, stderr, 2) != 0)
                    throw new Win32Exception("mdhelper did not start: posix_spawn_file_actions_adddup2");
                // As Process.Start does: no signal blocked and every handler at its default (.NET ignores SIGPIPE).
                sigemptyset(none);
                // Every bit by hand: glibc's sigfillset leaves out its own signals (32, 33), which posix_spawn then sets to
                // SIG_IGN in the child, and an ignored signal stays ignored across exec (the init cannot reset those two).
                new Span<byte>(all, SigsetSize).Fill(0xff);
                if (posix_spawnattr_setsigmask(attr, none) != 0 || posix_spawnattr_setsigdefault(attr, all) != 0
                    || posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) != 0)
                    throw new Win32Exception("mdhelper did not start: posix_spawnattr");
                int pid;
                int rc = posix_spawn(&pid, argp[0], fa, attr, argp, envp);
                if (rc != 0) throw new Win32Exception(rc, $"mdhelper did not start ({executable})");
                return pid;
            }
            finally
            {
                posix_spawnattr_destroy(attr);
                posix_spawn_file_actions_destroy(fa);
                foreach (var h in handles) if (h.IsAllocated) h.Free();
            }
        }

        private static void WriteAll(int fd, byte[] data)
        {
            fixed (byte* p = data)
            {
                int off = 0;
                while (off < data.Length)
                {
                    long n = Write(fd, p + off, (nuint)(data.Length - off));
                    if (n < 0 && Errno == EINTR) continue;
                    // EPIPE: the helper died before reading it all; its stderr and report say why.
                    if (n <= 0) return;
                    off += (int)n;
                }
            }
        }

        /// <summary>
        /// The first line on OUT and everything on ERR until its end. Both at once: a helper that filled its stderr pipe
        /// (64 KiB) before reporting would otherwise block on it while this waits on stdout.
        /// </summary>
        private static (string? Line, string Stderr) ReadReport(int outFd, int errFd)
        {
            var line = new StringBuilder();
            var err = new System.IO.MemoryStream();
            bool haveLine = false, outOpen = true, errOpen = true;
            byte* buf = stackalloc byte[4096];
            pollfd* pfd = stackalloc pollfd[2];
            while (errOpen || (outOpen && !haveLine))
            {
                pfd[0] = new pollfd { fd = outOpen && !haveLine ? outFd : -1, events = (short)POLLIN };
                pfd[1] = new pollfd { fd = errOpen ? errFd : -1, events = (short)POLLIN };
                if (Poll(pfd, 2, -1) < 0)
                {
                    int e = Errno;
                    if (e == EINTR) continue;
                    throw new Win32Exception(e, $"poll on mdhelper's report: {new Win32Exception(e).Message}");
                }
                if (pfd[0].revents != 0)
                {
                    long n = Read(outFd, buf, 4096);
                    if (n < 0 && Errno == EINTR) continue;
                    if (n <= 0) outOpen = false;
                    else
                    {
                        string s = Encoding.UTF8.GetString(buf, (int)n);
                        int nl = s.IndexOf('\n');
                        line.Append(nl < 0 ? s : s.Substring(0, nl + 1));
                        haveLine = nl >= 0;
                    }
                }
                if (pfd[1].revents != 0)
                {
                    long n = Read(errFd, buf, 4096);
                    if (n < 0 && Errno == EINTR) continue;
                    if (n <= 0) errOpen = false;
                    else err.Write(new ReadOnlySpan<byte>(buf, (int)n));
                }
            }
            string? report = haveLine || line.Length > 0 ? line.ToString() : null;
            return (report, Encoding.UTF8.GetString(err.GetBuffer(), 0, (int)err.Length));
        }

        /// <summary>Waits for the helper itself (it exits once the monitor is detached): no zombie stays behind.</summary>
        private static void Reap(int pid)
        {
            int status;
            while (WaitPid(pid, &status, 0) < 0 && Errno == EINTR) { }
        }

        private static void CloseFd(ref int fd)
        {
            if (fd < 0) return;
            Close(fd);
            fd = -1;
        }
    }
}
