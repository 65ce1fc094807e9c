using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace MiniDocker.Engine.Launch
{
    /// <summary>The real <see cref="IHelperRunner"/>: the mdhelper binary at a path, run from its sealed copy (see <see cref="Helper"/>).</summary>
    public sealed class MdHelperRunner : IHelperRunner
    {
        public MdHelperRunner(string helperPath) => HelperPath = helperPath;

        public string HelperPath { get; }

        public void Require() => HelperBinary.Require(HelperPath);

        public HelperReport Launch(LaunchPlan plan) => Helper.Launch(HelperPath, plan);

        public (HelperReport Report, Process? Monitor) LaunchAttached(LaunchPlan plan, string planPath) => Helper.LaunchAttached(HelperPath, plan, planPath);

        public Process StartExec(string planPath, bool redirectStandardStreams)
        {
            var psi = Helper.StartInfo(HelperPath, "exec", planPath);
            if (redirectStandardStreams)
            {
                psi.RedirectStandardInput = true;
                psi.RedirectStandardOutput = true;
                psi.RedirectStandardError = true;
                psi.StandardOutputEncoding = Encoding.UTF8;
                psi.StandardErrorEncoding = Encoding.UTF8;
            }
            return Process.Start(psi) ?? throw new Win32Exception("mdhelper did not start");
        }
    }
}
