using System;
using System.Collections.Generic;
using System.Linq;

namespace MiniDocker.Engine.Containers
{
    /// <summary>Linux signal names and numbers (x86-64 and arm64 share them), as kill(1) and docker kill -s accept them.</summary>
    public static class Signals
    {
        public static readonly IReadOnlyDictionary<string, int> ByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        {
            ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["BUS"] = 7, ["FPE"] = 8,
            ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14, ["TERM"] = 15,
            ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21, ["TTOU"] = 22,
            ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28, ["IO"] = 29,
            ["PWR"] = 30, ["SYS"] = 31,
        };

        public const int RtMin = 34, RtMax = 64;

        /// <summary>The number of signal SPEC: a name with or without SIG (any case), RTMIN+n, or a number 1-64; else InvalidSignal.</summary>
        public static int Parse(string spec)
        {
            string s = spec.Trim();
            if (int.TryParse(s, out int n) && n >= 1 && n <= RtMax) return n;
            if (s.StartsWith("SIG", StringComparison.OrdinalIgnoreCase)) s = s.Substring(3);
            if (ByName.TryGetValue(s, out n)) return n;
            if (s.StartsWith("RTMIN", StringComparison.OrdinalIgnoreCase))
            {
                string rest = s.Substring(5);
                if (rest.Length == 0) return RtMin;
                if (rest[0] == '+' && int.TryParse(rest.Substring(1), out int k) && k >= 0 && RtMin + k <= RtMax) return RtMin + k;
            }
            throw new MiniDockerException("InvalidSignal", FailureKind.InvalidArgument,
                $"'{spec}' is not a signal: use a name such as {string.Join(", ", ByName.Keys.Take(4))} or KILL (with or without SIG), RTMIN+n, or a number 1-{RtMax}.", spec);
        }
    }
}
