using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace MiniDocker.Engine.Containers
{
    /// <summary>
    /// A client of a container's attach socket (docs/launch-plan.md, `attach`): every byte the container writes, as
    /// the monitor read it, stdout and stderr in one ordered stream. Not the log: nothing here is capped or rotated.
    /// </summary>
    public sealed class ContainerAttachment : IDisposable
    {
        private const byte StdoutTag = 1, StderrTag = 2;
        // A message is the stream byte and at most 16 KiB (ATTACH_CHUNK); a larger buffer never truncates one.
        private const int MessageMax = 65536;
        // A line without an end is cut here, so a container cannot make this process hold unbounded text.
        private const int LineMaxChars = 1 << 20;

        private readonly Socket _socket;

        private ContainerAttachment(Container container, Socket socket)
        {
            Container = container;
            _socket = socket;
        }

        /// <summary>The container as it was started.</summary>
        public Container Container { get; }

        internal static ContainerAttachment Connect(Container c, string socketPath)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
            try
            {
                var (dir, shortPath) = Syscalls.ShortSocketPath(Path.GetDirectoryName(socketPath)!, Path.GetFileName(socketPath));
                using (dir) socket.Connect(new UnixDomainSocketEndPoint(shortPath));
                return new ContainerAttachment(c, socket);
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                socket.Dispose();
                throw new MiniDockerException("AttachFailed", FailureKind.InvalidOperation,
                    (p, op) => $"The output of container '{c.Name}' could not be attached ({e.Message}), so its start was undone; start it without {p("Wait")} and follow it with {op("GetContainerLog")} {p("Follow")}.", c);
            }
        }

        /// <summary>
        /// The container's output lines in the order the monitor relayed them, until it has exited (the monitor closes
        /// the socket after it recorded the exit) or TOKEN is cancelled. A final line without its end comes last.
        /// </summary>
        public IEnumerable<LogEntry> Lines(CancellationToken token)
        {
            var buffer = new byte[MessageMax];
            var streams = new[] { new LineBuffer("stdout"), new LineBuffer("stderr") };
            var ready = new List<string>();
            // A blocked receive returns 0 once the socket is shut down: Ctrl+C ends the wait, the container runs on.
            using var _ = token.Register(() => { try { _socket.Shutdown(SocketShutdown.Both); } catch (ObjectDisposedException) { } catch (SocketException) { } });
            int n;
            while ((n = Receive(buffer)) > 0 && !token.IsCancellationRequested)
            {
                if (buffer[0] is not (StdoutTag or StderrTag)) continue;
                var s = streams[buffer[0] - 1];
                s.Add(buffer, 1, n - 1, ready);
                foreach (var text in ready) yield return new LogEntry(DateTime.UtcNow, s.Stream, text);
                ready.Clear();
            }
            if (token.IsCancellationRequested) yield break;
            foreach (var s in streams)
                if (s.Flush() is string tail) yield return new LogEntry(DateTime.UtcNow, s.Stream, tail);
        }

        private int Receive(byte[] buffer)
        {
            try { return _socket.Receive(buffer); }
            catch (SocketException) { return 0; }   // the monitor died: what it relayed has been read
            catch (ObjectDisposedException) { return 0; }
        }

        public void Dispose() => _socket.Dispose();

        /// <summary>One stream's bytes into lines: UTF-8 decoded across message boundaries.</summary>
        private sealed class LineBuffer
        {
            private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
            private readonly StringBuilder _line = new();
            private readonly char[] _chars = new char[MessageMax];

            public LineBuffer(string stream) => Stream = stream;
            public string Stream { get; }

            public void Add(byte[] bytes, int offset, int count, List<string> lines)
            {
                int n = _decoder.GetChars(bytes, offset, count, _chars, 0, flush: false);
                int start = 0;
                for (int i = 0; i < n; i++)
                {
                    if (_chars[i] != '\n') continue;
                    _line.Append(_chars, start, i - start);
                    lines.Add(_line.ToString());
                    _line.Clear();
                    start = i + 1;
                }
                _line.Append(_chars, start, n - start);
                if (_line.Length >= LineMaxChars)
                {
                    lines.Add(_line.ToString());
                    _line.Clear();
                }
            }

            public string? Flush()
            {
                int n = _decoder.GetChars(Array.Empty<byte>(), 0, 0, _chars, 0, flush: true);
                _line.Append(_chars, 0, n);
                if (_line.Length == 0) return null;
                string s = _line.ToString();
                _line.Clear();
                return s;
            }
        }
    }
}
