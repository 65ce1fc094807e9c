using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        private const int ESRCH = 3;

        /// <summary>
        /// Starts SPEC's command inside the running container ID (mdhelper exec): its stdout and stderr
        /// come back as lines through <see cref="ExecSession.Output"/>; its stdin is at EOF.
        /// </summary>
        public ExecSession StartExec(string id, ExecSpec spec)
        {
            var job = PrepareExec(id, spec);
            try
            {
                return new ExecSession(job, Helpers.StartExec(job.PlanPath, redirectStandardStreams: true));
            }
            catch { job.Delete(); throw; }
        }

        /// <summary>
        /// Runs SPEC's command on a new pty inside the running container ID, relayed to this process's
        /// terminal (inherited fds 0-2, raw mode in the helper); returns when the command exits.
        /// </summary>
        public ExecResult Interact(string id, ExecSpec spec)
        {
            var job = PrepareExec(id, spec);
            try
            {
                using var p = Helpers.StartExec(job.PlanPath, redirectStandardStreams: false);
                p.WaitForExit();
                return job.Finish(p.ExitCode);
            }
            finally { job.Delete(); }
        }

        private ExecJob PrepareExec(string id, ExecSpec spec)
        {
            if (spec.Command.Length == 0 || string.IsNullOrEmpty(spec.Command[0]))
                throw new MiniDockerException("EmptyCommand", FailureKind.InvalidArgument, (p, op) => $"The command is empty: give the program to run, e.g. {p("Command")} cat,/etc/os-release.", spec.Command);
            if (spec.Command.Any(a => a.Contains('\0')))
                throw new MiniDockerException("InvalidCommand", FailureKind.InvalidArgument, "A command argument contains a NUL character.", spec.Command);
            ValidateEnvironment(spec.Environment);
            if (spec.WorkingDirectory is string wd && !wd.StartsWith('/'))
                throw new MiniDockerException("InvalidWorkingDirectory", FailureKind.InvalidArgument, $"Working directory '{wd}' must be an absolute path inside the container.", wd);
            Helpers.Require();

            ContainerRecord c;
            using (_store.Lock(id)) c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State == ContainerState.Paused)
                throw new MiniDockerException("ContainerPaused", FailureKind.InvalidOperation, $"Container '{c.Name}' is paused; resume it before running a command in it.", c);
            if (c.State != ContainerState.Running || c.Pid is not int pid || c.PidStartTime is not ulong start)
                throw NotRunning(c);

            string stem = Path.Combine(_store.DirectoryOf(c.Id), "exec-" + KernelRandom.Hex(6));
            // -User is looked up in the running container's own /etc/passwd (trailing slash: the directory, not the magic link).
            var security = spec.User is string user ? SecurityPolicy.WithUser(c.Security, user, $"/proc/{pid}/root/") : c.Security;
            var plan = ContainerPlan.BuildExec(c, spec, security, pid, start, Cgroups.ProcsFiles(new ContainerCgroup(c.CgroupPaths)), stem + ".error");
            SeccompCache.Attach(plan, _options.SeccompCacheRoot, _options.HelperPath);
            var job = new ExecJob(c, spec, stem + ".plan", stem + ".error");
            // The plan holds the environment: only root may read it, and it goes when the exec ends.
            using (var fs = PrivateFile.Create(job.PlanPath, FileMode.CreateNew))
                fs.Write(plan.Encode());
            return job;
        }

        private static void ValidateEnvironment(IEnumerable<KeyValuePair<string, string>> environment)
        {
            foreach (var kv in environment)
            {
                if (kv.Key.Length == 0 || kv.Key.Contains('=') || kv.Key.Contains('\0') || kv.Value.Contains('\0'))
                    throw new MiniDockerException("InvalidEnvironment", FailureKind.InvalidArgument, $"Environment variable '{kv.Key}' is not valid: names must be non-empty without '=' and nothing may contain NUL.", kv.Key);
                if (Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value) + 2 > MaxArgStrlen)
                    throw new MiniDockerException("EnvironmentTooLarge", FailureKind.InvalidArgument,
                        (p, op) => $"Environment variable '{kv.Key}' is {Encoding.UTF8.GetByteCount(kv.Value)} bytes; the kernel takes at most {MaxArgStrlen} bytes per 'NAME=value' (MAX_ARG_STRLEN), so execve would fail with E2BIG. Pass large data in a file ({p("Volumes")}).", kv.Key);
            }
        }

        /// <summary>The kernel's execve limits: MAX_ARG_STRLEN (32 pages) per string, and the total under the default
        /// 8 MiB stack (a quarter of RLIMIT_STACK), strings plus their pointers.</summary>
        private const int MaxArgStrlen = 32 * 4096, MaxArgTotal = 2 * 1024 * 1024;

        /// <summary>Checks COMMAND and ENVIRONMENT against execve's limits, so a container that cannot start is refused at create.</summary>
        private static void ValidateExecSize(IReadOnlyList<string> command, IEnumerable<KeyValuePair<string, string>> environment)
        {
            foreach (var a in command)
                if (Encoding.UTF8.GetByteCount(a) + 1 > MaxArgStrlen)
                    throw new MiniDockerException("ArgumentTooLong", FailureKind.InvalidArgument,
                        $"A command argument is {Encoding.UTF8.GetByteCount(a)} bytes; the kernel takes at most {MaxArgStrlen} bytes per argument (MAX_ARG_STRLEN).", a.Substring(0, Math.Min(40, a.Length)));
            var env = environment.ToList();
            long total = command.Sum(a => Encoding.UTF8.GetByteCount(a) + 1L + 8) +
                         env.Sum(kv => Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value) + 2L + 8);
            if (total > MaxArgTotal)
                throw new MiniDockerException("EnvironmentTooLarge", FailureKind.InvalidArgument,
                    (p, op) => $"The command and environment take {total} bytes; execve takes at most {MaxArgTotal} (a quarter of the default 8 MiB stack), so the start would fail with E2BIG. Pass large data in a file ({p("Volumes")}).", total);
        }

        private static MiniDockerException NotRunning(Container c) =>
            new("ContainerNotRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is not running (state {c.State}); start it first.", c);

        /// <summary>One exec's files (plan, error report) and how its helper's exit turns into a result.</summary>
        internal sealed class ExecJob
        {
            public ExecJob(ContainerRecord c, ExecSpec spec, string planPath, string errorPath)
            {
                Container = c;
                Spec = spec;
                PlanPath = planPath;
                ErrorPath = errorPath;
            }

            public ContainerRecord Container { get; }
            public ExecSpec Spec { get; }
            public string PlanPath { get; }
            public string ErrorPath { get; }
            public DateTime StartedAt { get; } = DateTime.UtcNow;

            /// <summary>The command's result, or the specific failure when it never ran (exit 125 and an error report).</summary>
            public ExecResult Finish(int helperExitCode)
            {
                string report = "";
                try { report = File.ReadAllText(ErrorPath).Trim(); }
                catch (IOException) { }
                if (report.Length > 0) throw Failure(HelperReport.Parse(report));
                return new ExecResult
                {
                    ContainerId = Container.Id,
                    ContainerName = Container.Name,
                    Command = Spec.Command,
                    ExitCode = helperExitCode,
                    StartedAt = StartedAt,
                    FinishedAt = DateTime.UtcNow,
                };
            }

            private MiniDockerException Failure(HelperReport r) => (r.Step, r.Errno) switch
            {
                ("target", ESRCH) or ("cgroup", ENOENT) => NotRunning(Container),
                _ => HelperFailure.ToException(r, Container, HelperMode.Exec, $"container '{Container.Name}'", Spec.User ?? Container.Security.User),
            };

            public void Delete()
            {
                File.Delete(PlanPath);
                File.Delete(ErrorPath);
            }
        }
    }
}
