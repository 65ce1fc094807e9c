using System.Diagnostics;

namespace MiniDocker.Engine.Launch
{
    /// <summary>
    /// How the engine starts mdhelper: a container's monitor (run) and a command inside a running one (exec).
    /// The engine decides everything and writes it as a plan; this only carries the plan to a helper process and
    /// its report back, so a unit test can stand in for the helper without root (EngineOptions.HelperRunner).
    /// </summary>
    public interface IHelperRunner
    {
        /// <summary>Throws a specific error (HelperNotFound, HelperNotExecutable) unless the helper can run.</summary>
        void Require();

        /// <summary>
        /// `run` with PLAN on the helper's stdin; returns its one-line report once the init has exec'd (ok: the
        /// monitor and init pids) or failed (the first failed step and its errno). The monitor lives on, detached.
        /// </summary>
        HelperReport Launch(LaunchPlan plan);

        /// <summary>
        /// `run PLANPATH` attached to this process's terminal: the report, and the monitor process (null once the
        /// launch failed and it exited). PLANPATH is gone when this returns.
        /// </summary>
        (HelperReport Report, Process? Monitor) LaunchAttached(LaunchPlan plan, string planPath);

        /// <summary>`exec PLANPATH`: started, with stdin/stdout/stderr redirected (UTF-8) or inherited (a pty relay).</summary>
        Process StartExec(string planPath, bool redirectStandardStreams);
    }
}
