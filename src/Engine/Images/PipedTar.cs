using System;
using System.IO;
using System.IO.Pipes;
using System.Threading.Tasks;

namespace MiniDocker.Engine.Images
{
    /// <summary>The read end of a pipe a tar writer fills on another thread; the writer's failure surfaces at EOF.</summary>
    internal sealed class PipedTar : ReadOnlyStream
    {
        private readonly AnonymousPipeServerStream _writeEnd = new(PipeDirection.Out);
        private readonly AnonymousPipeClientStream _readEnd;
        private readonly Task _writer;

        public PipedTar(Action<Stream> writeTar)
        {
            _readEnd = new AnonymousPipeClientStream(PipeDirection.In, _writeEnd.ClientSafePipeHandle);
            _writer = Task.Run(() =>
            {
                try { writeTar(_writeEnd); }
                finally { _writeEnd.Dispose(); }
            });
        }

        public override int Read(Span<byte> buffer)
        {
            int n = _readEnd.Read(buffer);
            if (n == 0 && buffer.Length > 0 && _writer.Wait(TimeSpan.FromMinutes(1)) && _writer.Exception?.InnerException is Exception e)
                throw new MiniDockerException("ImageSourceUnreadable", FailureKind.ReadError, $"Could not read the source tree: {e.Message}", null, e);
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _readEnd.Dispose();
                try { _writer.Wait(); } catch (AggregateException) { }   // a writer cut off by our early close fails with EPIPE
            }
            base.Dispose(disposing);
        }
    }
}
