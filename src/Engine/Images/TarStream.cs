using System;
using System.IO;
using System.Security.Cryptography;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// The uncompressed tar as TarReader reads it: hashes every byte (the diff_id) and remembers
    /// whether the last 512-byte block read was zeros (the end-of-archive marker; a tar cut at an
    /// entry boundary has none).
    /// </summary>
    internal sealed class TarStream : ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _tail = new byte[512];
        private long _length;

        public TarStream(Stream inner) => _inner = inner;

        public bool EndedWithZeroBlock => _length >= 1024 && Array.TrueForAll(_tail, b => b == 0);

        public string Digest() => Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant();

        public override int Read(Span<byte> buffer)
        {
            int n = _inner.Read(buffer);
            if (n <= 0) return n;
            var got = buffer.Slice(0, n);
            _hash.AppendData(got);
            _length += n;
            if (n >= 512) got.Slice(n - 512).CopyTo(_tail);
            else
            {
                Buffer.BlockCopy(_tail, n, _tail, 0, 512 - n);
                got.CopyTo(_tail.AsSpan(512 - n));
            }
            return n;
        }

        public override long Position { get => _length; set => throw new NotSupportedException(); }
    }
}
