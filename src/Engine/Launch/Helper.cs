using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;

namespace MiniDocker.Engine.Launch
{
    /// <summary>What mdhelper said after launching: the monitor and init PIDs, or the first failed step.</summary>
    public sealed class HelperReport
    {
        public bool Ok { get; init; }
        public int MonitorPid { get; init; }
        public int InitPid { get; init; }
        public int StepIndex { get; init; }
        public string Step { get; init; } = "";
        public int Errno { get; init; }
        public string Argument { get; init; } = "";

        /// <summary>Parses "ok MONITOR INIT" or "error INDEX DIRECTIVE ERRNO ARGUMENT".</summary>
        public static HelperReport Parse(string? line)
        {
            var f = (line ?? "").TrimEnd('\n').Split(' ', 5);
            if (f.Length >= 3 && f[0] == "ok" && int.TryParse(f[1], out var m) && int.TryParse(f[2], out var i))
                return new HelperReport { Ok = true, MonitorPid = m, InitPid = i };
            if (f.Length >= 4 && f[0] == "error" && int.TryParse(f[1], out var idx) && int.TryParse(f[3], out var e))
                return new HelperReport { StepIndex = idx, Step = f[2], Errno = e, Argument = f.Length > 4 ? f[4] : "" };
            return new HelperReport { Step = "protocol", Argument = line ?? "(no report)" };
        }
    }

    /// <summary>Runs mdhelper with a launch plan on its stdin and reads its one-line report.</summary>
    public static class Helper
    {
        /// <summary>
        /// How every mdhelper process starts: no shell, and an empty environment, so nothing of the
        /// caller's (tokens, paths) reaches a helper that lives on as a container's monitor or PID 1;
        /// and from a sealed copy, never the file a container could reach through /proc/PID/exe.
        /// </summary>
        internal static ProcessStartInfo StartInfo(string helperPath, params string[] args)
        {
            var psi = new ProcessStartInfo(SealedHelper.ExecutablePath(helperPath)) { UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment.Clear();
            return psi;
        }

        public static HelperReport Launch(string helperPath, LaunchPlan plan)
        {
            RequireHelper(helperPath);
            // The same start as StartInfo's (sealed copy, empty environment), without the Process class (see HelperSpawn).
            // The monitor keeps stdout open until the init has exec'd or failed; then EOF.
            var (line, stderr) = HelperSpawn.Run(SealedHelper.ExecutablePath(helperPath), new[] { "run" }, plan.Encode());
            var report = HelperReport.Parse(line);
            if (!report.Ok && report.Step == "protocol" && stderr.Length > 0)
                return new HelperReport { Step = "protocol", Argument = stderr.Trim() };
            return report;
        }

        /// <summary>
        /// `tty` launch: the plan goes in PLANPATH (fds 0-1 are this process's terminal, inherited), the report
        /// comes on the helper's stderr; the helper stays running as the container's monitor, attached to
        /// the terminal, and is returned (null once it has failed and exited).
        /// </summary>
        public static (HelperReport Report, Process? Monitor) LaunchAttached(string helperPath, LaunchPlan plan, string planPath)
        {
            RequireHelper(helperPath);
            File.Delete(planPath);
            // The plan holds the environment: only root may read it, and it goes once the helper has read it.
            using (var fs = PrivateFile.Create(planPath, FileMode.CreateNew))
                fs.Write(plan.Encode());
            try
            {
                var psi = StartInfo(helperPath, "run", planPath);
                psi.RedirectStandardError = true;
                var p = Process.Start(psi) ?? throw new Win32Exception("mdhelper did not start");
                var report = HelperReport.Parse(p.StandardError.ReadLine());
                if (report.Ok) return (report, p);
                p.WaitForExit();
                p.Dispose();
                return (report, null);
            }
            finally { File.Delete(planPath); }
        }

        private static void RequireHelper(string helperPath) => HelperBinary.Require(helperPath);
    }
}
