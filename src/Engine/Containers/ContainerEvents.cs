using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;

namespace MiniDocker
{
    /// <summary>One thing that happened to a container (docker events): create, start, pause, unpause, kill, die, stop, restart, rename, remove.</summary>
    public sealed class ContainerEvent
    {
        public DateTime Time { get; set; }
        public string Action { get; set; } = "";
        public string ContainerId { get; set; } = "";
        public string ContainerName { get; set; } = "";
        /// <summary>The exit code of a die event.</summary>
        public int? ExitCode { get; set; }
        /// <summary>What else there is to say: the signal of a kill, the old name of a rename, why a container died.</summary>
        public string? Detail { get; set; }
        public override string ToString() => $"{Time:O} {Action} {ContainerName}";
    }
}

namespace MiniDocker.Engine.Containers
{
    /// <summary>
    /// The engine's event log: one JSON line per event in StateRoot/events.log, appended under a lock by whichever
    /// process did the thing. Bounded: past <see cref="MaxBytes"/> the file becomes events.log.1 (the one before is
    /// dropped), so history stays under twice that. Crash-safe: each event is a single write of one line, and a reader
    /// skips a line a crash cut short; nothing before it is ever rewritten.
    /// </summary>
    public sealed class EventLog
    {
        public const long MaxBytes = 1 << 20;
        // Generated metadata first: mini-docker (NativeAOT) writes events too.
        private static readonly JsonSerializerOptions Json = new()
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(ContainerEventJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
        };
        private readonly string _path;

        public EventLog(string stateRoot) => _path = Path.Combine(stateRoot, "events.log");

        public string FilePath => _path;
        private string Previous => _path + ".1";

        /// <summary>Appends E. Best effort: an event that cannot be written (a full disk) never fails what it reports.</summary>
        public void Append(ContainerEvent e)
        {
            try
            {
                StateDirectory.Create(Path.GetDirectoryName(_path)!);
                using var _ = Syscalls.LockFile(_path + ".lock");
                byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(e, Json) + "\n");
                // One open that reads the last byte and writes at the end (writers hold the lock, so the end stays put).
                var f = Open();
                if (f.Length >= MaxBytes)
                {
                    f.Dispose();
                    File.Move(_path, Previous, overwrite: true);
                    f = Open();
                }
                using (f)
                {
                    long end = f.Length;
                    // A line a crash cut short gets its end here, so it costs only itself, not this event too.
                    if (end > 0 && LastByte(f, end) != (byte)'\n') RandomAccess.Write(f.SafeFileHandle, "\n"u8, end++);
                    RandomAccess.Write(f.SafeFileHandle, line, end);
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private FileStream Open() => new(_path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });

        private static int LastByte(FileStream f, long end)
        {
            Span<byte> b = stackalloc byte[1];
            return RandomAccess.Read(f.SafeFileHandle, b, end - 1) == 1 ? b[0] : -1;
        }

        /// <summary>Every kept event at or after SINCE (and before UNTIL), oldest first.</summary>
        public IEnumerable<ContainerEvent> Read(DateTime? since = null, DateTime? until = null) =>
            ReadFile(Previous).Concat(ReadFile(_path)).Where(e => (since == null || e.Time >= since) && (until == null || e.Time < until));

        private static IEnumerable<ContainerEvent> ReadFile(string path)
        {
            string[] lines;
            try { lines = File.ReadAllLines(path); }
            catch (FileNotFoundException) { yield break; }
            catch (DirectoryNotFoundException) { yield break; }
            foreach (var l in lines)
                if (Parse(l) is ContainerEvent e) yield return e;
        }

        private static ContainerEvent? Parse(string line)
        {
            try { return JsonSerializer.Deserialize<ContainerEvent>(line, Json); }
            catch (JsonException) { return null; }   // a line a crash cut short
        }

        /// <summary>
        /// The events after SINCE, then each new one as it is written, until TOKEN is cancelled. POLL runs about once a
        /// second while following (the engine reconciles there, which records deaths nobody else watched).
        /// </summary>
        public IEnumerable<ContainerEvent> Follow(DateTime? since, Action poll, CancellationToken token)
        {
            // Open the current file first: what was written before is read from it; its rotation is seen by inode.
            FileStream? current = OpenShared(_path);
            long offset = 0;
            if (current == null)
                foreach (var e in Read(since)) yield return e;
            else
                foreach (var e in ReadFile(Previous).Where(e => since == null || e.Time >= since)) yield return e;
            var pending = new StringBuilder();
            var lastPoll = DateTime.UtcNow;
            try
            {
                while (!token.IsCancellationRequested)
                {
                    current ??= OpenShared(_path);
                    if (current != null)
                    {
                        foreach (var e in ReadNew(current, ref offset, pending))
                            if (since == null || e.Time >= since) yield return e;
                        // Rotated: the old file (still open) was read to its end above; go on with the new one.
                        if (Inode(_path) is ulong now && now != Inode(current))
                        {
                            foreach (var e in ReadNew(current, ref offset, pending)) yield return e;
                            current.Dispose();
                            current = null;
                            offset = 0;
                            pending.Clear();
                            continue;
                        }
                    }
                    if (DateTime.UtcNow - lastPoll > TimeSpan.FromSeconds(1)) { poll(); lastPoll = DateTime.UtcNow; }
                    token.WaitHandle.WaitOne(100);
                }
            }
            finally { current?.Dispose(); }
        }

        private static IEnumerable<ContainerEvent> ReadNew(FileStream f, ref long offset, StringBuilder pending)
        {
            var found = new List<ContainerEvent>();
            f.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[65536];
            int n;
            while ((n = f.Read(buffer, 0, buffer.Length)) > 0)
            {
                offset += n;
                pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
            string text = pending.ToString();
            int end = text.LastIndexOf('\n');
            if (end < 0) return found;
            foreach (var l in text.Substring(0, end).Split('\n'))
                if (Parse(l) is ContainerEvent e) found.Add(e);
            pending.Clear().Append(text.Substring(end + 1));
            return found;
        }

        private static FileStream? OpenShared(string path)
        {
            try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
        }

        private static unsafe ulong? Inode(string path) => LayeredFilesystem.Lstat(path) is Tmds.Linux.stat st ? (ulong)st.st_ino : null;

        private static unsafe ulong Inode(FileStream f)
        {
            Tmds.Linux.stat st;
            return Tmds.Linux.LibC.fstat((int)f.SafeFileHandle.DangerousGetHandle(), &st) == 0 ? (ulong)st.st_ino : 0;
        }
    }

}

namespace MiniDocker.Engine
{
    public sealed partial class ContainerEngine
    {
        private EventLog? _events;

        public EventLog EventLog => _events ??= new EventLog(_options.StateRoot);

        /// <summary>Records ACTION on container C in the event log.</summary>
        private void RecordEvent(string action, Container c, string? detail = null, int? exitCode = null) =>
            EventLog.Append(new ContainerEvent { Time = DateTime.UtcNow, Action = action, ContainerId = c.Id, ContainerName = c.Name, ExitCode = exitCode, Detail = detail });

        /// <summary>The kept events from SINCE to UNTIL; every container is reconciled first, so a death nobody saw yet is in them.</summary>
        public IEnumerable<ContainerEvent> Events(DateTime? since, DateTime? until)
        {
            List();
            return EventLog.Read(since, until);
        }

        /// <summary>
        /// Events from SINCE on, then as they happen until TOKEN is cancelled. About once a second it reconciles every
        /// container, so a container that dies with nobody watching gets its die event now, not at the next command.
        /// </summary>
        public IEnumerable<ContainerEvent> FollowEvents(DateTime? since, CancellationToken token) =>
            EventLog.Follow(since, () => List(), token);
    }
}
