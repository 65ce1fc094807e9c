using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using MiniDocker.Engine;

namespace MiniDocker.Tests
{
    /// <summary>
    /// Plays mdhelper's part without root, on the files the plan names: a monitor (`sh run`, so its argv[1] is
    /// "run" like the real one's) starts an init (a real `sleep`), writes the init's pid into every cgroup.procs the
    /// plan names, reports "ok MONITOR INIT" and, when the init ends, records its status (128+N for a signal) in the
    /// state dir's exit file first and the run dir's last, as the real monitor does. No namespaces, no mounts; FakeCgroupDriver drops ended pids from cgroup.procs (the kernel's part).
    /// </summary>
    public sealed class FakeHelperRunner : IHelperRunner, IDisposable
    {
        private const string MonitorScript = """
            runexit=$1; stateexit=$2; shift 2
            sleep 100000 </dev/null >/dev/null 2>&1 &
            init=$!
            for f in "$@"; do echo "$init" >> "$f"; done
            echo "ok $$ $init"
            exec </dev/null >/dev/null 2>&1
            wait "$init"; code=$?
            if [ -n "$stateexit" ]; then printf '%s\n' "$code" > "$stateexit.tmp" && mv "$stateexit.tmp" "$stateexit"; fi
            printf '%s\n' "$code" > "$runexit.tmp" && mv "$runexit.tmp" "$runexit"
            """;

        private readonly TempDirectory _dir = new();
        private readonly List<Process> _monitors = new();

        public FakeHelperRunner() => File.WriteAllText(Path.Combine(_dir.Path, "run"), MonitorScript);

        /// <summary>When set, the next launches fail at this step as mdhelper reports it ("error INDEX STEP ERRNO ARG"); nothing runs.</summary>
        public (string Step, int Errno, string Argument)? FailAt { get; set; }

        /// <summary>When set, Launch throws it (a helper that cannot start).</summary>
        public Exception? ThrowOnLaunch { get; set; }

        public List<LaunchPlan> Plans { get; } = new();

        /// <summary>Every report of a launch that ran (ok).</summary>
        public List<HelperReport> Reports { get; } = new();

        public void Require() { }

        public HelperReport Launch(LaunchPlan plan)
        {
            Plans.Add(plan);
            if (ThrowOnLaunch != null) throw ThrowOnLaunch;
            if (FailAt is var (step, errno, arg)) return HelperReport.Parse($"error 7 {step} {errno} {arg}");
            var exits = Values(plan, "exitfile");
            var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = _dir.Path, UseShellExecute = false, RedirectStandardOutput = true };
            psi.ArgumentList.Add("run");
            psi.ArgumentList.Add(exits[0]);
            psi.ArgumentList.Add(exits.Count > 1 ? exits[1] : "");
            foreach (var procs in Values(plan, "cgroup")) psi.ArgumentList.Add(procs);
            var monitor = Process.Start(psi)!;
            lock (_monitors) _monitors.Add(monitor);
            var report = HelperReport.Parse(monitor.StandardOutput.ReadLine());
            Reports.Add(report);
            return report;
        }

        public (HelperReport Report, Process? Monitor) LaunchAttached(LaunchPlan plan, string planPath) =>
            throw new NotSupportedException("The fake helper has no terminal.");

        public Process StartExec(string planPath, bool redirectStandardStreams) =>
            throw new NotSupportedException("The fake helper does not exec.");

        private static List<string> Values(LaunchPlan plan, string directive) =>
            plan.Directives.Where(d => d[0] == directive).Select(d => d[1]).ToList();

        /// <summary>Waits until PID is gone (reaped or a zombie): a signal's effect, not a timing assumption.</summary>
        public static void WaitGone(int pid)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (ProcessInfo.StartTime(pid) != null)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"pid {pid} still runs");
                Thread.Sleep(5);
            }
        }

        /// <summary>Kills every monitor this started and its init.</summary>
        public void Dispose()
        {
            lock (_monitors)
                foreach (var m in _monitors)
                {
                    try { if (!m.HasExited) m.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                    m.Dispose();
                }
            _dir.Dispose();
        }
    }
}
