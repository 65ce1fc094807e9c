using System;
using System.IO;

namespace MiniDocker.Engine.Images
{
    /// <summary>A stream with a few already-read bytes put back in front (for sniffing the compression).</summary>
    internal sealed class PrefixedStream : ReadOnlyStream
    {
        private readonly byte[] _prefix;
        private readonly Stream _inner;
        private int _used;

        public PrefixedStream(byte[] prefix, Stream inner) { _prefix = prefix; _inner = inner; }

        public override int Read(Span<byte> buffer)
        {
            if (_used < _prefix.Length)
            {
                int n = Math.Min(buffer.Length, _prefix.Length - _used);
                _prefix.AsSpan(_used, n).CopyTo(buffer);
                _used += n;
                return n;
            }
            return _inner.Read(buffer);
        }
    }
}
