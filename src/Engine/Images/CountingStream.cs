using System;
using System.IO;

namespace MiniDocker.Engine.Images
{
    /// <summary>Passes reads through and tells COUNT how many bytes each one returned.</summary>
    internal sealed class CountingStream : ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly Action<int> _count;
        public CountingStream(Stream inner, Action<int> count) { _inner = inner; _count = count; }
        public override int Read(Span<byte> buffer) { int n = _inner.Read(buffer); if (n > 0) _count(n); return n; }
        protected override void Dispose(bool disposing) { if (disposing) _inner.Dispose(); base.Dispose(disposing); }
    }
}
