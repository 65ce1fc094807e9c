using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace MiniDocker.Engine.Containers
{
    /// <summary>
    /// Containers on disk: one directory each under StateRoot/containers/ID holding config.json
    /// (written atomically), the log, the monitor's exit file and the overlay dirs; its lock file is .locks/ID.
    /// </summary>
    public sealed class ContainerStore
    {
        // Enums as names (UseStringEnumConverter in the generated metadata, which mini-docker's NativeAOT build needs).
        private static readonly JsonSerializerOptions Json = EngineJson.Indented(ContainerJsonContext.Default);

        private static readonly Regex ValidName = new(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}\z", RegexOptions.Compiled);

        public ContainerStore(string containersRoot, string? runRoot = null)
        {
            Root = containersRoot;
            RunRoot = runRoot ?? containersRoot;
        }

        public string Root { get; }
        /// <summary>Per-container run state (volatile, ideally tmpfs): the monitor's exit file.</summary>
        public string RunRoot { get; }
        public string RunDirectoryOf(string id) => Path.Combine(RunRoot, id);

        public string DirectoryOf(string id) => Path.Combine(Root, id);
        public string LogPath(string id) => Path.Combine(Root, id, "container.log");
        public string ExitPath(string id) => Path.Combine(RunRoot, id, "exit");
        /// <summary>The monitor's second copy of the exit status, beside the record: it survives a deleted run root (a reboot).</summary>
        public string StateExitPath(string id) => Path.Combine(Root, id, "exit");
        /// <summary>The monitor's attach socket (`attach` in the launch plan).</summary>
        public string AttachPath(string id) => Path.Combine(RunRoot, id, "attach");

        public static void ValidateName(string name)
        {
            if (!ValidName.IsMatch(name))
                throw new MiniDockerException("InvalidContainerName", FailureKind.InvalidArgument,
                    $"Container name '{name}' is not valid: use 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit.", name);
        }

        public IEnumerable<string> Ids() =>
            Directory.Exists(Root)
                ? Directory.EnumerateDirectories(Root).Select(d => Path.GetFileName(d)!).Where(n => n.Length == 64 && File.Exists(Path.Combine(Root, n, "config.json")))
                : Enumerable.Empty<string>();

        public ContainerRecord? Load(string id)
        {
            try { return JsonSerializer.Deserialize<ContainerRecord>(File.ReadAllText(Path.Combine(Root, id, "config.json")), Json); }
            catch (FileNotFoundException) { return null; }
            catch (JsonException e)
            {
                // Cut short by a machine crash after a SaveState: the last durable save is the record (a reboot ended the run anyway).
                if (LoadDurable(id) is ContainerRecord durable) return durable;
                // A damaged record must not hide the others; reported as Dead so Remove-MiniContainer can clean it.
                return new ContainerRecord { Id = id, Name = id.Substring(0, 12), State = ContainerState.Dead, Error = $"State file unreadable: {e.Message}" };
            }
            catch (DirectoryNotFoundException) { return null; }
        }

        public string RecordPath(string id) => Path.Combine(Root, id, "config.json");

        /// <summary>Writes the record; a full disk is the specific StateDiskFull error naming the filesystem.</summary>
        public void Save(ContainerRecord c) => Save(c, durable: true);

        /// <summary>
        /// Writes a record whose change is run state only (state, PIDs, exit code, cgroup paths): what a reboot makes
        /// stale anyway. No fsync (three per lifecycle were ~10 ms of a start-to-exit): a killed process or any reader
        /// still sees the old or the new record whole; a machine crash may cut the new one short, and then Load falls back
        /// to the last durable save. A full disk is still StateDiskFull (the write itself fails on ext4 and tmpfs).
        /// </summary>
        public void SaveState(ContainerRecord c) => Save(c, durable: false);

        private void Save(ContainerRecord c, bool durable)
        {
            string path = RecordPath(c.Id);
            try
            {
                AtomicFile.WriteAllText(path, JsonSerializer.Serialize(c, Json), durable);
                if (durable) DurableRecordFile.Keep(path, DurableRecordPath(c.Id));
            }
            catch (IOException e) when (DiskFull(e)) { throw StateDiskFull(path, c, e); }
        }

        /// <summary>A second name for the record's last fsync'd version (a hard link: no copy, no write).</summary>
        public string DurableRecordPath(string id) => Path.Combine(Root, id, "config.durable.json");

        private ContainerRecord? LoadDurable(string id)
        {
            try { return JsonSerializer.Deserialize<ContainerRecord>(File.ReadAllText(DurableRecordPath(id)), Json) is { } r && r.Id == id ? r : null; }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException) { return null; }
        }

        /// <summary>
        /// Saves a record a read has reconciled, when it can: the reconciled state is returned either way and the
        /// next command reconciles again, so a full or read-only disk never locks the user out of reads.
        /// </summary>
        public void TrySave(ContainerRecord c)
        {
            try { SaveState(c); }
            catch (MiniDockerException) { }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        private const int ENOSPC = 28, EDQUOT = 122;

        /// <summary>ENOSPC or EDQUOT: .NET keeps the errno in the low bits of HResult.</summary>
        public static bool DiskFull(IOException e) => (e.HResult & 0xFFFF) is ENOSPC or EDQUOT || e.Message.Contains("No space left", StringComparison.Ordinal);

        public static MiniDockerException StateDiskFull(string path, object? target, Exception? inner = null)
        {
            string mount = MountPointOf(path);
            return new MiniDockerException("StateDiskFull", FailureKind.WriteError,
                (p, op) => $"The filesystem at '{mount}' that holds MiniDocker's state is full (writing {path}); free space there, e.g. remove containers with {op("RemoveContainer")}, which works on a full disk.", target, inner);
        }

        /// <summary>The mount point PATH lives on (longest matching mount in /proc/self/mountinfo).</summary>
        public static string MountPointOf(string path)
        {
            string best = "/";
            try
            {
                foreach (var line in File.ReadLines("/proc/self/mountinfo"))
                {
                    var f = line.Split(' ');
                    if (f.Length < 5) continue;
                    string mp = f[4].Replace("\\040", " ");
                    if ((path == mp || path.StartsWith(mp.TrimEnd('/') + "/", StringComparison.Ordinal)) && mp.Length >= best.Length) best = mp;
                }
            }
            catch (IOException) { }
            return best;
        }

        /// <summary>Container folders without a readable record: left by a create or remove killed midway.</summary>
        public IEnumerable<string> OrphanIds() =>
            Directory.Exists(Root)
                ? Directory.EnumerateDirectories(Root).Select(d => Path.GetFileName(d)!).Where(n => n.Length == 64 && IsHex(n) && !File.Exists(RecordPath(n)))
                : Enumerable.Empty<string>();

        private static bool IsHex(string s) => s.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f');

        /// <summary>Lock files live apart from the containers they guard, so deleting a container never races a locker.</summary>
        public string LocksRoot => Path.Combine(Root, ".locks");

        /// <summary>
        /// An exclusive flock on the container (or on the whole store for name allocation); dispose to release.
        /// A container's lock outlives its folder: Remove unlinks it last, and a locker that got an unlinked file
        /// retries on the fresh one (so two lockers never hold "the" lock at once).
        /// </summary>
        public IDisposable Lock(string? id = null)
        {
            StateDirectory.Create(Root);
            if (id == null) return Syscalls.LockFile(Path.Combine(Root, ".lock"));
            StateDirectory.Create(LocksRoot);
            string path = Path.Combine(LocksRoot, id);
            while (true)
            {
                var held = Syscalls.LockFile(path);
                if (!held.IsCurrent()) { held.Dispose(); continue; }
                // No container (removed while we waited): the caller finds no record; leave no lock file for it.
                if (!Directory.Exists(DirectoryOf(id))) DeleteLock(id);
                return held;
            }
        }

        /// <summary>Deletes ID's lock file; the caller holds that lock and has already deleted the container.</summary>
        public void DeleteLock(string id)
        {
            try { File.Delete(Path.Combine(LocksRoot, id)); }
            catch (IOException) { }
        }
    }
}
