using System;
using System.Diagnostics;
using System.Globalization;

namespace MiniDocker.Cli
{
    /// <summary>
    /// MINIDOCKER_CLI_TRACE=1: each phase of a command on stderr with the wall clock (µs since the epoch, to line up with
    /// the caller's launch time) and the time since the previous phase; the engine's own trace lines in between.
    /// Off, it costs one environment read.
    /// </summary>
    internal static class CliTrace
    {
        public static readonly bool On = Environment.GetEnvironmentVariable("MINIDOCKER_CLI_TRACE") == "1";
        private static long _last = Stopwatch.GetTimestamp();

        public static void Mark(string phase)
        {
            if (!On) return;
            long now = Stopwatch.GetTimestamp();
            double ms = (now - _last) * 1000.0 / Stopwatch.Frequency;
            _last = now;
            long epochMicros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mini-docker trace: {epochMicros} +{ms:0.000} ms {phase}"));
        }

        /// <summary>For EngineOptions.Trace: the engine's steps as phases.</summary>
        public static Action<string>? Engine => On ? message => Mark("engine: " + message) : null;
    }
}
