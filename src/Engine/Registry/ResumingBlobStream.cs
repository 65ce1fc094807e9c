using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace MiniDocker.Engine.Registry
{
    /// <summary>
    /// A blob's body that survives a dropped connection: when a read fails with an I/O error, or the body
    /// ends before the descriptor's size, the blob is asked for again from the byte reached
    /// (Range: bytes=N-) and reading goes on, so the bytes already read are neither fetched nor
    /// extracted again. A registry that ignores Range (200) has its first N bytes skipped. After
    /// MaxAttempts resumes in a row without a byte of progress it is RegistryUnreachable (or the short
    /// body stands, which the digest check then names). Cancelling the token ends a blocked read.
    /// </summary>
    internal sealed class ResumingBlobStream : ReadOnlyStream
    {
        private const int MaxAttempts = 5;
        private readonly Func<long, CancellationToken, Task<HttpResponseMessage>> _open;
        private readonly string _digest;
        private readonly long _size;
        private readonly Action<string>? _verbose;
        private readonly CancellationToken _token;
        private readonly CancellationTokenRegistration _abort;
        private readonly object _gate = new();
        private HttpResponseMessage _response;
        private Stream _body;
        private long _position;
        private int _failures;

        private ResumingBlobStream(Func<long, CancellationToken, Task<HttpResponseMessage>> open, string digest, long size, Action<string>? verbose, HttpResponseMessage response, Stream body, CancellationToken token)
        {
            _open = open;
            _digest = digest;
            _size = size;
            _verbose = verbose;
            _response = response;
            _body = body;
            _token = token;
            _abort = token.Register(() => { lock (_gate) _response.Dispose(); });
        }

        /// <summary>Content-Length of the first answer, when it gave one.</summary>
        public long? FirstLength { get; private init; }

        /// <summary>Times the body was asked for again.</summary>
        public int Resumes { get; private set; }

        /// <summary>OPEN(from, token) GETs the blob from byte FROM on.</summary>
        public static async Task<ResumingBlobStream> OpenAsync(Func<long, CancellationToken, Task<HttpResponseMessage>> open, string digest, long size, Action<string>? verbose, CancellationToken token)
        {
            var response = await open(0, token);
            try
            {
                var body = await response.Content.ReadAsStreamAsync(token);
                return new ResumingBlobStream(open, digest, size, verbose, response, body, token) { FirstLength = response.Content.Headers.ContentLength };
            }
            catch { response.Dispose(); throw; }
        }

        public override int Read(Span<byte> buffer)
        {
            while (true)
            {
                int n;
                try { n = _body.Read(buffer); }
                catch (Exception e) when (IsDrop(e)) { ResumeAsync(e).GetAwaiter().GetResult(); continue; }
                if (Account(n, buffer.Length)) return n;
                if (!ResumeAsync(null).GetAwaiter().GetResult()) return 0;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                int n;
                try { n = await _body.ReadAsync(buffer, cancellationToken); }
                catch (Exception e) when (IsDrop(e)) { await ResumeAsync(e); continue; }
                if (Account(n, buffer.Length)) return n;
                if (!await ResumeAsync(null)) return 0;
            }
        }

        /// <summary>False when the body ended early (a resume is due).</summary>
        private bool Account(int n, int asked)
        {
            if (n == 0 && asked > 0 && _position < _size) return false;
            if (n > 0) _failures = 0;
            _position += n;
            return true;
        }

        private bool IsDrop(Exception e) => !_token.IsCancellationRequested && e is IOException or HttpRequestException;

        /// <summary>Opens the blob again at the byte reached; false when a short body has used up its attempts. DROP is rethrown when it has.</summary>
        private async Task<bool> ResumeAsync(Exception? drop)
        {
            while (true)
            {
                _token.ThrowIfCancellationRequested();
                if (++_failures > MaxAttempts)
                {
                    if (drop is MiniDockerException) ExceptionDispatchInfo.Capture(drop).Throw();
                    if (drop != null)
                        throw new MiniDockerException("RegistryUnreachable", FailureKind.ResourceUnavailable,
                            $"The connection for blob {_digest} dropped {MaxAttempts + 1} times in a row at byte {_position} of {_size} ({drop.Message}); nothing was stored. Try again later.", _digest, drop);
                    return false;
                }
                _verbose?.Invoke($"blob {_digest}: the connection dropped at byte {_position} of {_size} ({drop?.Message ?? "the body ended early"}); asking for the rest (Range: bytes={_position}-), attempt {_failures} of {MaxAttempts}");
                lock (_gate) _response.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(250 * _failures), _token);
                HttpResponseMessage response;
                try { response = await _open(_position, _token); }
                catch (MiniDockerException e) when (e.ErrorId == "RegistryUnreachable") { drop = e; continue; }
                Stream body;
                try
                {
                    body = await response.Content.ReadAsStreamAsync(_token);
                    if (response.StatusCode == HttpStatusCode.PartialContent)
                    {
                        if (response.Content.Headers.ContentRange?.From != _position)
                            throw new MiniDockerException("RegistryDigestMismatch", FailureKind.InvalidArgument,
                                $"Blob {_digest} was refused: asked for the bytes from {_position} on, the registry sent range '{response.Content.Headers.ContentRange}'. Nothing was stored.", _digest);
                    }
                    else
                    {
                        _verbose?.Invoke($"blob {_digest}: the registry ignores Range; reading its first {_position} bytes again");
                        await SkipAsync(body, _position);
                    }
                }
                catch (Exception e) when (IsDrop(e)) { response.Dispose(); drop = e; continue; }
                catch { response.Dispose(); throw; }
                lock (_gate) { _response = response; if (_token.IsCancellationRequested) response.Dispose(); }
                _body = body;
                Resumes++;
                return true;
            }
        }

        private async Task SkipAsync(Stream body, long count)
        {
            var buffer = new byte[81920];
            while (count > 0)
            {
                int n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), _token);
                if (n == 0) throw new IOException($"the body ended after {_position - count} of the {_position} bytes to skip");
                count -= n;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _abort.Dispose();
                lock (_gate) _response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
