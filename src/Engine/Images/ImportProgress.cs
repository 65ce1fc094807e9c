using System;
using System.IO;

namespace MiniDocker.Engine.Images
{
    /// <summary>Counts the bytes an import reads and reports (done, total or -1) every few MiB.</summary>
    internal sealed class ImportProgress
    {
        private const long ReportEvery = 4 << 20;
        private readonly Action<long, long>? _report;
        private long _done, _reported;

        public ImportProgress(Action<long, long>? report) => _report = report;

        /// <summary>The bytes the import will read, when known beforehand.</summary>
        public long Total { get; set; } = -1;

        public Stream Counted(Stream s) => new CountingStream(s, n =>
        {
            _done += n;
            if (_report != null && _done - _reported >= ReportEvery) { _reported = _done; _report(_done, Total); }
        });
    }
}
