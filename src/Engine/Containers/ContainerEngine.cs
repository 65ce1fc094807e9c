using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker.Engine
{
    /// <summary>
    /// The container lifecycle as a plain .NET API: create, start, stop, remove, wait, logs.
    /// Every state change holds the container's lock; every read reconciles the record with the kernel.
    /// </summary>
    public sealed partial class ContainerEngine
    {
        private const int ENOENT = 2;
        private static readonly Regex ValidHostname = new(@"^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})\z", RegexOptions.Compiled);

        private readonly EngineOptions _options;
        private readonly ContainerStore _store;
        private ICgroupDriver? _cgroups;

        public ContainerEngine(EngineOptions? options = null)
        {
            _options = options ?? new EngineOptions();
            _store = new ContainerStore(_options.ContainersRoot, _options.RunContainersRoot);
            // Rootless: the run root may be in a shared /tmp, where it must be ours alone before anything goes in.
            Rootless.RootlessMode.SecureRunRoot(_options.RunRoot);
            Rootless.RootlessStateRoot.Check(_options.StateRoot);
            // Roots an older version made 0755 are narrowed on first use: below them are setuid files and secrets.
            StateDirectory.Secure(_options.StateRoot);
            StateDirectory.Secure(_options.RunRoot);
        }

        public EngineOptions Options => _options;

        /// <summary>Detected on first use, so commands that need no cgroup work on any host.</summary>
        public ICgroupDriver Cgroups => _cgroups ??= _options.CgroupDriver ?? Containers.HostCgroupDrivers.For(_options.CgroupParent);

        /// <summary>Starts mdhelper: the options' runner, else the binary at HelperPath.</summary>
        private IHelperRunner Helpers => _options.HelperRunner ?? new MdHelperRunner(_options.HelperPath);

        // ---------------------------------------------------------------- create

        public Container Create(ContainerSpec spec)
        {
            var root = ImageService.ResolveRootSource(spec);
            string[] command = root.Image != null ? ImageService.ImageCommand(root.Image, spec.Command) : spec.Command;
            if (command.Length == 0 || string.IsNullOrEmpty(command[0]))
                throw new MiniDockerException("EmptyCommand", FailureKind.InvalidArgument, (p, op) => $"The command is empty: give the program to run, e.g. {p("Command")} /bin/sh,-c,'echo hi'.", command);
            if (command.Any(a => a.Contains('\0')))
                throw new MiniDockerException("InvalidCommand", FailureKind.InvalidArgument, "A command argument contains a NUL character.", command);
            ValidateEnvironment(spec.Environment);
            var limits = spec.Limits.ApplyTo(new ResourceLimits(), HostCpus.Current());
            Rootless.RootlessSupport.Check(spec, _options.DefaultNetwork);
            if (!spec.Limits.IsEmpty && Cgroups is NoCgroupDriver noCgroups) throw noCgroups.Unavailable(p => $"A resource limit ({p("Memory")}, {p("Cpus")}, {p("PidsLimit")}, ...)", spec.Name);
            string workdir = spec.WorkingDirectory ?? root.Image?.Config.WorkingDir ?? "/";
            if (!workdir.StartsWith('/'))
                throw new MiniDockerException("InvalidWorkingDirectory", FailureKind.InvalidArgument, $"Working directory '{workdir}' must be an absolute path inside the container.", workdir);
            var mounts = ContainerMounts.Parse(spec);

            var env = ImageService.ImageEnvironment(root.Image);
            foreach (var kv in spec.Environment) env[kv.Key] = kv.Value;
            ValidateExecSize(command, env);
            string searchPath = env.TryGetValue("PATH", out var p) ? p : ContainerPlan.DefaultPath;
            if (CommandCheck.Problem(root.LayersTopFirst, command[0], searchPath, root.Description, null) is { } commandProblem) throw commandProblem;

            string id = KernelRandom.Hex(32);
            string hostname = spec.Hostname ?? id.Substring(0, 12);
            if (!ValidHostname.IsMatch(hostname))
                throw new MiniDockerException("InvalidHostname", FailureKind.InvalidArgument, $"Hostname '{hostname}' is not valid: 1-63 letters, digits, '.' or '-', starting with a letter or digit.", hostname);
            if (spec.Name != null) ContainerStore.ValidateName(spec.Name);
            var security = SecurityPolicy.Resolve(spec, root.LayersTopFirst, root.Image?.Config.User);
            var network = ValidateNetworkSpec(spec);

            var c = new ContainerRecord
            {
                Id = id,
                RootFs = root.Image == null ? root.LayersTopFirst[0] : "",
                Image = root.Image?.ToString(),
                ImageId = root.Image?.Id,
                Layers = root.Image == null ? new List<string>() : root.LayersTopFirst.Reverse().ToList(),
                Mounts = mounts,
                Devices = ContainerDevices.Parse(spec.Devices, spec.HostPath),
                Command = command.ToArray(),
                Hostname = hostname,
                Environment = env,
                WorkingDirectory = workdir,
                Init = spec.Init,
                AutoRemove = spec.AutoRemove,
                Limits = limits,
                Security = security,
                Created = DateTime.UtcNow,
                State = ContainerState.Created,
            };
            network.ApplyTo(c);
            string dir = _store.DirectoryOf(id);
            IDisposable? containerLock = null;
            using (_store.Lock())
            {
                if (spec.Name != null && Names.InUse(spec.Name)) throw NameInUse(spec.Name);
                c.Name = spec.Name ?? ContainerNames.Generate(n => Names.InUse(n));
                StateDirectory.Create(dir);
                try
                {
                    // Taken before the store lock goes: a listing's orphan cleanup and a New of the same name wait on it
                    // instead of taking this folder for a killed New's (see ContainerNameIndex.InUse).
                    containerLock = _store.Lock(id);
                    // The name entry before the record: a New killed between them leaves a stale entry, never a record whose name is unindexed.
                    Names.Claim(c.Name, id);
                }
                catch
                {
                    Directory.Delete(dir, true);
                    if (containerLock != null) { _store.DeleteLock(id); containerLock.Dispose(); }
                    throw;
                }
            }
            // The durable write (its fsync) outside the store lock, so parallel New commands do not queue behind each other's.
            // Durable on purpose, as docker create's config: New's answer is the user's only record of the container, and a
            // host crash must not take back what it said (measured: ~1 ms of wall time for the journal commit, no pwsh CPU).
            // The run-state saves after it (Start, exit) are not fsync'd: a reboot makes them stale anyway (SaveState).
            using (containerLock)
            {
                try { _store.Save(c); }
                catch { Names.Release(c.Name, id); Directory.Delete(dir, true); _store.DeleteLock(id); throw; }
            }
            RecordEvent("create", c);
            return c.ToContainer();
        }

        // ---------------------------------------------------------------- read

        /// <summary>All containers, reconciled with the kernel, oldest first; folders a killed command left are cleaned first.</summary>
        public IReadOnlyList<Container> List()
        {
            CleanOrphans();
            CollectDeadLeases();
            // GetRecord removed the stopped auto-remove containers it met (see ContainerAutoRemove.cs).
            var all = _store.Ids().Select(GetRecord).Where(c => c != null && !IsAutoRemovable(c)).Select(c => c!.ToContainer()).OrderBy(c => c.Created).ToList();
            Names.Repair(all.Select(c => (c.Id, c.Name)));
            return all;
        }

        /// <summary>
        /// All records as stored, oldest first: no reconcile, no cleaning, no lock; nothing is written. For
        /// tab completion, which must never change state (the states may be stale).
        /// </summary>
        public IReadOnlyList<Container> ListRecords() =>
            _store.Ids().Select(_store.Load).Where(c => c != null).Select(c => c!.ToContainer()).OrderBy(c => c.Created).ToList();

        /// <summary>The container with this exact id, reconciled; null if there is none.</summary>
        public Container? Get(string id) => GetRecord(id)?.ToContainer();

        /// <summary>The record of the container with this exact id, reconciled; null if there is none.</summary>
        private ContainerRecord? GetRecord(string id) => GetRecord(id, _store.Load(id));

        /// <summary>GetRecord of ID, whose record the caller has just read (LOADED).</summary>
        private ContainerRecord? GetRecord(string id, ContainerRecord? loaded)
        {
            if (loaded is not ContainerRecord c) return null;
            if (c.State is ContainerState.Running or ContainerState.Paused || StartInterrupted(c))
                using (_store.Lock(id))
                    if (Reconcile(_store.Load(id)) is not ContainerRecord r) return null;
                    else c = r;
            return AutoRemoveIfDone(c);
        }

        /// <summary>
        /// A stopped record whose cgroup exists: a Start made it and was killed before recording the outcome
        /// (or is still under way in another process, which the container's lock tells apart).
        /// A Start makes the run directory before the cgroup and removes it after, so without one there is nothing to
        /// look for: one stat instead of one per hierarchy for a never-started container (listings stay cheap).
        /// </summary>
        private bool StartInterrupted(ContainerRecord c) =>
            c.State is not (ContainerState.Running or ContainerState.Paused) && Directory.Exists(_store.RunDirectoryOf(c.Id)) && LocateCgroup(c.Id).Directories.Count > 0;

        /// <summary>The container's cgroup by id alone; none on a host without cgroups (commands that need none still work).</summary>
        private ContainerCgroup LocateCgroup(string id)
        {
            try { return Cgroups.Locate(id); }
            catch (Exception e) when (e is MiniDockerException or IOException or UnauthorizedAccessException) { return new ContainerCgroup(Array.Empty<string>()); }
        }

        /// <summary>
        /// Deletes container folders without a record (a New or Remove killed midway) with whatever else their id
        /// names: cgroup, run dir, lock. Under the store lock, so a New between its mkdir and its record is never taken
        /// for one. Best effort: a listing never fails because a cleanup did.
        /// </summary>
        private void CleanOrphans()
        {
            var orphans = _store.OrphanIds().ToList();
            var staleLocks = Directory.Exists(_store.LocksRoot)
                ? Directory.EnumerateFiles(_store.LocksRoot).Select(Path.GetFileName).Where(n => !Directory.Exists(_store.DirectoryOf(n!))).ToList()
                : new List<string?>();
            if (orphans.Count == 0 && staleLocks.Count == 0) return;
            try
            {
                using (_store.Lock())
                {
                    foreach (var id in orphans)
                        using (_store.Lock(id))
                        {
                            if (File.Exists(_store.RecordPath(id)) || !Directory.Exists(_store.DirectoryOf(id))) continue;
                            var cg = LocateCgroup(id);
                            if (cg.Directories.Count > 0) { Cgroups.KillAll(cg); Cgroups.Remove(cg); }
                            DeleteTreeRacingMonitor(_store.RunDirectoryOf(id));
                            try { DeleteTreeRacingMonitor(_store.DirectoryOf(id)); }
                            catch (UnauthorizedAccessException) { Rootless.RootlessFiles.DeleteTree(_store.DirectoryOf(id)); }   // rootless: work/work is 000
                            _store.DeleteLock(id);
                        }
                    // Taking the lock of a container that no longer exists deletes its lock file.
                    foreach (var id in staleLocks) _store.Lock(id!).Dispose();
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            catch (MiniDockerException) { }
        }

        /// <summary>The container whose id starts with PREFIX; an error when none or several match.</summary>
        public Container GetByIdPrefix(string prefix)
        {
            var matches = _store.Ids().Where(i => i.StartsWith(prefix.ToLowerInvariant(), StringComparison.Ordinal)).ToList();
            if (prefix.Length == 0 || matches.Count == 0)
                throw new MiniDockerException("ContainerNotFound", FailureKind.ObjectNotFound, $"No container has an id starting with '{prefix}'.", prefix);
            if (matches.Count > 1)
                throw new MiniDockerException("AmbiguousContainerId", FailureKind.InvalidArgument, $"Id prefix '{prefix}' matches {matches.Count} containers; give more characters.", prefix);
            return Get(matches[0]) ?? throw new MiniDockerException("ContainerNotFound", FailureKind.ObjectNotFound, $"Container '{prefix}' was removed.", prefix);
        }

        /// <summary>
        /// Brings a record in line with reality (the exit files, the monitor and init, the cgroup) in memory, and saves
        /// it when the disk lets it: a read never needs a write to succeed. Caller holds the container's lock.
        /// </summary>
        private ContainerRecord? Reconcile(ContainerRecord? c)
        {
            if (c == null) return null;
            bool wasRunning = c.State is ContainerState.Running or ContainerState.Paused;
            bool changed = wasRunning ? ReconcileRunning(c) : ReconcileInterruptedStart(c);
            if (changed) _store.TrySave(c);
            // The first look after the end, under the container's lock: each death is recorded once, watched or not.
            if (changed && wasRunning && c.State is ContainerState.Exited or ContainerState.Dead) RecordEvent("die", c, c.State == ContainerState.Dead ? c.Error : null, c.ExitCode);
            return c;
        }

        private bool ReconcileRunning(ContainerRecord c)
        {
            // Who lives is seen before the exit files are read: a monitor seen gone has written all it ever will,
            // while one that exits between a read of no file and the look at it would be taken for one that died.
            bool monitorAlive = ProcessInfo.IsSame(c.MonitorPid, c.MonitorStartTime);
            bool initAlive = ProcessInfo.IsSame(c.Pid, c.PidStartTime);
            if (ReadExitFile(c))
                c.State = ContainerState.Exited;
            else if (monitorAlive)
            {
                // The init is gone and its monitor is recording the exit right now: wait for that (briefly) rather than report Running.
                if (initAlive || !WaitForExit(c, TimeSpan.FromSeconds(2), CancellationToken.None)) return false;
                return ReconcileRunning(c);
            }
            else if (initAlive)
            {
                // The init outlived its monitor: still running, but nobody will record its exit status.
                string error = MonitorDied(c);
                if (c.Error == error) return false;
                c.Error = error;
                return true;
            }
            else
            {
                c.State = ContainerState.Dead;
                c.FinishedAt = DateTime.UtcNow;
                c.Error = c.Error ?? "The container's monitor and init are gone without recording an exit status.";
            }
            // The OOM counter lives in the cgroup: read it before the cgroup goes.
            Trace($"Container '{c.Name}': found {c.State.ToString().ToLowerInvariant()} (exit code {c.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}); removing its cgroup {string.Join(", ", c.CgroupPaths)}");
            ReleaseCgroup(c);
            ReleaseNetwork(c);
            c.Pid = null;
            c.MonitorPid = null;
            return true;
        }

        private static string MonitorDied(ContainerRecord c) =>
            $"The container's monitor{(c.MonitorPid is int m ? $" (pid {m})" : "")} died while the container ran; its exit status is lost. Stopping the container still works.";

        /// <summary>The exit status the monitor recorded for the current run (run dir, else its copy beside the record); false when there is none.</summary>
        private bool ReadExitFile(ContainerRecord c)
        {
            foreach (var path in new[] { _store.ExitPath(c.Id), _store.StateExitPath(c.Id) })
            {
                string[] lines;
                try { lines = File.ReadAllLines(path); }
                catch (FileNotFoundException) { continue; }
                catch (DirectoryNotFoundException) { continue; }
                c.ExitCode = lines.Length > 0 && int.TryParse(lines[0].Trim(), out var code) ? code : -1;
                c.FinishedAt = File.GetLastWriteTimeUtc(path);
                // "dropped N": the monitor could not write N log bytes (a full disk).
                c.LogBytesDropped = lines.Skip(1).Select(l => l.Split(' ')).Where(f => f.Length == 2 && f[0] == "dropped" && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)).Select(f => long.Parse(f[1], CultureInfo.InvariantCulture)).FirstOrDefault();
                if (c.LogBytesDropped > 0)
                    c.Error = $"The container's log lost {c.LogBytesDropped} bytes of output: the disk holding it was full.";
                return true;
            }
            return false;
        }

        /// <summary>
        /// A stopped record with a cgroup: a Start was killed after making it (the caller holds the lock, so that Start
        /// is over). Its container is adopted when it runs (init and monitor found from the cgroup), recorded as exited
        /// when its monitor wrote an exit status, else the empty cgroup is removed.
        /// </summary>
        private bool ReconcileInterruptedStart(ContainerRecord c)
        {
            var cg = LocateCgroup(c.Id);
            if (cg.Directories.Count == 0) return false;
            var pids = cg.Directories.SelectMany(CgroupFiles.Pids).ToHashSet();
            int? init = pids.Where(p => ProcessInfo.ParentPid(p) is int pp && !pids.Contains(pp)).Select(p => (int?)p).FirstOrDefault();
            bool exited = ReadExitFile(c);
            if (!exited && init is int pid && ProcessInfo.StartTime(pid) is ulong start)
            {
                c.State = ContainerState.Running;
                c.Pid = pid;
                c.PidStartTime = start;
                // The init's parent is its monitor (`mdhelper run`), unless the monitor died and the init was reparented.
                int? monitor = ProcessInfo.ParentPid(pid);
                bool isMonitor = monitor is int m && ProcessInfo.CommandLine(m) is { Length: >= 2 } argv && argv[1] == "run";
                c.MonitorPid = isMonitor ? monitor : null;
                c.MonitorStartTime = isMonitor ? ProcessInfo.StartTime(monitor!.Value) : null;
                c.StartedAt = DateTime.UtcNow;
                c.FinishedAt = null;
                c.ExitCode = null;
                c.OomKilled = false;
                c.Error = null;
                c.CgroupPaths = cg.Directories.ToList();
                return true;
            }
            c.CgroupPaths = cg.Directories.ToList();
            ReleaseCgroup(c);
            ReleaseNetwork(c);
            if (!exited) return false;
            c.State = ContainerState.Exited;
            c.Error = "Its start was interrupted; the container ran and exited meanwhile.";
            return true;
        }

        private void ReleaseCgroup(ContainerRecord c)
        {
            if (c.CgroupPaths.Count == 0) return;
            var cg = new ContainerCgroup(c.CgroupPaths);
            if (c.CgroupPaths.Any(Directory.Exists))
            {
                c.OomKilled = Cgroups.OomKillCount(cg) > 0;
                Cgroups.KillAll(cg);
                Cgroups.Remove(cg);
            }
            c.CgroupPaths = new List<string>();
        }

        // ---------------------------------------------------------------- start

        public Container Start(string id) => RemovedIfStartFails(id, () => Start(id, tty: false, attach: false, out _, out _)).ToContainer();

        /// <summary>
        /// START's result; when it throws, an auto-remove container it left Created is removed first (docker run --rm
        /// leaves nothing behind a failed start either). Outside Start's container lock: Remove takes it.
        /// </summary>
        private T RemovedIfStartFails<T>(string id, Func<T> start)
        {
            try { return start(); }
            catch (Exception) when (_store.Load(id) is { AutoRemove: true, State: ContainerState.Created })
            {
                try { Remove(id, force: false, collectLayers: false); }
                catch (MiniDockerException) { }   // removed meanwhile, or left for Remove-MiniContainer: the start's error is the one to report
                throw;
            }
        }

        /// <summary>
        /// Starts ID with this process attached to its output: the monitor holds the output until the engine has
        /// connected to the attach socket, so even a command that exits at once is streamed whole.
        /// </summary>
        public ContainerAttachment StartAttached(string id)
        {
            ContainerAttachment? attachment = null;
            RemovedIfStartFails(id, () => Start(id, tty: false, attach: true, out _, out attachment));
            return attachment!;
        }

        // How long the monitor holds a new container's output for the engine to attach: past it (the engine was killed
        // between launch and connect), the container runs on with its output going to the log only.
        private const int AttachHoldMilliseconds = 30000;

        /// <summary>
        /// Starts ID with its init on a new pty of the container's devpts, relayed to this process's terminal
        /// (inherited fds 0-1, raw mode in the helper, like docker run -it); returns the container once its init has exited.
        /// </summary>
        public Container RunInteractive(string id)
        {
            Process? monitor = null;
            var c = RemovedIfStartFails(id, () => Start(id, tty: true, attach: false, out monitor, out _));
            using (monitor) monitor!.WaitForExit();
            return Get(c.Id) ?? throw NotFound(c.Id);
        }

        private ContainerRecord Start(string id, bool tty, bool attach, out Process? attachedMonitor, out ContainerAttachment? attachment)
        {
            attachedMonitor = null;
            attachment = null;
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State is ContainerState.Running or ContainerState.Paused)
                throw new MiniDockerException("ContainerAlreadyRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is already {c.State.ToString().ToLowerInvariant()}.", c);
            foreach (var lower in ContainerMounts.LowerDirs(c))
                if (!Directory.Exists(lower))
                    throw new MiniDockerException("RootFsNotFound", FailureKind.ObjectNotFound, $"Root filesystem folder '{lower}' of container '{c.Name}' no longer exists.", c);

            // A missing helper is said before anything is made (the seccomp cache key would read it first).
            Helpers.Require();
            // Before anything runs (and before the old exit files go): the reconciled record is on disk, and a full
            // state disk fails here (StateDiskFull), not after the init has started.
            _store.SaveState(c);
            string dir = _store.DirectoryOf(c.Id);
            PrepareOverlayDirectories(dir, ContainerMounts.LowerDirs(c));
            var mounts = ContainerMounts.ResolveTargets(c, dir);
            StateDirectory.Create(_store.RunDirectoryOf(c.Id));
            // The exit files must be the new run's: a stale one would mark it exited (and a killed Start's cgroup is told apart by them).
            File.Delete(_store.ExitPath(c.Id));
            File.Delete(_store.StateExitPath(c.Id));
            var log = new FileInfo(_store.LogPath(c.Id));
            c.LogStartOffset = log.Exists ? log.Length : 0;

            var clock = Stopwatch.StartNew();
            ContainerCgroup cg;
            // Rootless: no device program (attaching one needs CAP_SYS_ADMIN on the host); the user namespace refuses
            // mknod and the container's mounts are nodev, so it reaches no device the user could not already.
            try { cg = Cgroups.Create(c.Id, c.Limits, Rootless.RootlessMode.IsRootless ? null : DevicePolicy.For(c)); }
            catch
            {
                // The driver leaves nothing when it throws; the run directory made above goes too.
                try { Directory.Delete(_store.RunDirectoryOf(c.Id), recursive: true); } catch (IOException) { }
                throw;
            }
            Trace($"Container '{c.Name}': cgroup {string.Join(", ", cg.Directories)}");
            try
            {
                var network = AttachNetwork(c, dir);
                var userns = Rootless.RootlessMode.IsRootless ? Rootless.IdMapping.ForCurrentUser() : null;
                var fuse = userns != null ? Rootless.RootlessOverlay.FirstChoice(c, _store.RunDirectoryOf(c.Id)) : null;
            launch:
                var plan = ContainerPlan.Build(c, dir, Cgroups.ProcsFiles(cg), _store.LogPath(c.Id), _store.ExitPath(c.Id), mounts, network, userns, fuse);
                plan.LogMax(_options.LogMaxBytes).ExitFile(_store.StateExitPath(c.Id));
                if (!tty) plan.Attach(_store.AttachPath(c.Id));
                if (attach) plan.AttachHold(AttachHoldMilliseconds);
                SeccompCache.Attach(plan, _options.SeccompCacheRoot, _options.HelperPath);
                Trace($"Container '{c.Name}': launch plan of {Summarize(plan)}");
                long prepared = clock.ElapsedMilliseconds;
                HelperReport report;
                // Before the launch: every line this run logs is stamped at or after StartedAt (Wait -LogPattern relies on it).
                var launched = DateTime.UtcNow;
                if (tty)
                    (report, attachedMonitor) = Helpers.LaunchAttached(plan.Tty(), Path.Combine(_store.RunDirectoryOf(c.Id), "plan"));
                else
                    report = Helpers.Launch(plan);
                // Rootless, where the kernel refused overlayfs in the user namespace: nothing ran; again on fuse-overlayfs (as Podman).
                if (userns != null && fuse == null && Rootless.RootlessOverlay.Fallback(report, c, _store.RunDirectoryOf(c.Id)) is { } fallback)
                {
                    Trace($"Container '{c.Name}': overlayfs refused in the user namespace ({report.Errno}); starting again on fuse-overlayfs");
                    attachedMonitor?.Dispose();
                    attachedMonitor = null;
                    fuse = fallback;
                    goto launch;
                }
                if (!report.Ok) throw StartFailure(c, report);
                Trace($"Container '{c.Name}': monitor {report.MonitorPid}, init {report.InitPid}; host side ready in {prepared} ms, helper reported ready after {clock.ElapsedMilliseconds - prepared} ms");
                if (attach)
#pragma warning disable CA2000 // the caller owns it (and the catch below disposes it on failure)
                    try { attachment = ContainerAttachment.Connect(c.ToContainer(), _store.AttachPath(c.Id)); }
#pragma warning restore CA2000
                    catch (MiniDockerException)
                    {
                        // It waits for this client (attachhold) and would write an exit file into a later run's directory.
                        Syscalls.Kill(report.MonitorPid, Syscalls.SIGKILL_);
                        throw;
                    }
                c.MonitorPid = report.MonitorPid;
                c.MonitorStartTime = ProcessInfo.StartTime(report.MonitorPid);
                c.Pid = report.InitPid;
                c.PidStartTime = ProcessInfo.StartTime(report.InitPid);
                c.State = ContainerState.Running;
                c.StartedAt = launched;
                c.FinishedAt = null;
                c.ExitCode = null;
                c.OomKilled = false;
                c.LogBytesDropped = 0;
                c.Error = null;
                c.CgroupPaths = cg.Directories.ToList();
                BindNetwork(c, network, report);
                _store.SaveState(c);
                RecordEvent("start", c);
                return c;
            }
            catch
            {
                attachment?.Dispose();
                Cgroups.KillAll(cg);
                Cgroups.Remove(cg);
                ReleaseNetwork(c);
                // Nothing ran, so nothing of this run may stay behind (the run directory held only its exit file).
                try { Directory.Delete(_store.RunDirectoryOf(c.Id), recursive: true); } catch (IOException) { }
                throw;
            }
        }

        /// <summary>l0, l1, ... → the lower dirs, bottom first (short relative names for the overlay options), a fresh work dir.</summary>
        private static void PrepareOverlayDirectories(string dir, IReadOnlyList<string> lowersBottomFirst)
        {
            Directory.CreateDirectory(Path.Combine(dir, "upper"));
            Directory.CreateDirectory(Path.Combine(dir, "rootfs"));
            string work = Path.Combine(dir, "work");
            Rootless.RootlessFiles.DeleteTree(work);
            Directory.CreateDirectory(work);
            for (int i = 0; i < lowersBottomFirst.Count; i++)
            {
                string link = Path.Combine(dir, ContainerPlan.LowerName(i));
                if (File.Exists(link) || Directory.Exists(link)) File.Delete(link);
                File.CreateSymbolicLink(link, lowersBottomFirst[i]);
            }
        }

        private MiniDockerException StartFailure(Container c, HelperReport r) => r.Step == "pasta" ? Networking.PastaNetwork.StartFailure(r, c, Path.Combine(_store.RunDirectoryOf(c.Id), Networking.PastaNetwork.PidFileName)) :
            r.Step == "fuseoverlay" ? Rootless.RootlessOverlay.StartFailure(r, c, _store.RunDirectoryOf(c.Id)) :
            r.Step is Networking.Slirp4netnsNetwork.Name or "hostfwd" ? Networking.Slirp4netnsNetwork.StartFailure(r, c, Path.Combine(_store.RunDirectoryOf(c.Id), Networking.Slirp4netnsNetwork.PidFileName)) :
            HelperFailure.ToException(r, c, HelperMode.Run, RootSource.Describe(c), c.Security.User, () =>
                CommandCheck.Problem(ContainerMounts.LowerDirs(c).Reverse().ToList(), r.Argument,
                    c.Environment.TryGetValue("PATH", out var path) ? path : ContainerPlan.DefaultPath, RootSource.Describe(c), c));

        // ---------------------------------------------------------------- stop, wait, remove

        /// <summary>SIGTERM to the init; after TIMEOUT, SIGKILL to every process in the container's cgroup.</summary>
        public Container Stop(string id, TimeSpan timeout, CancellationToken token = default)
        {
            var result = StopMany(new[] { id }, timeout, token)[0];
            return result.Container ?? throw result.Error!;
        }

        /// <summary>One container's outcome in <see cref="StopMany"/>: the stopped container, or why it could not be stopped.</summary>
        public sealed record StopResult(string Id, Container? Container, MiniDockerException? Error);

        /// <summary>
        /// Stops IDS together: SIGTERM to every init first, then one TIMEOUT for all of them, then SIGKILL to the
        /// cgroups still running. So 50 containers take one timeout, not 50.
        /// </summary>
        public IReadOnlyList<StopResult> StopMany(IReadOnlyList<string> ids, TimeSpan timeout, CancellationToken token = default)
        {
            var signalled = new List<ContainerRecord>();
            var errors = new Dictionary<string, MiniDockerException>();
            foreach (var id in ids)
            {
                try { signalled.Add(SignalStop(id)); }
                catch (MiniDockerException e) { errors[id] = e; }
            }
            var running = WaitForAll(signalled, timeout, token);
            foreach (var c in running)
                using (_store.Lock(c.Id))
                {
                    var r = _store.Load(c.Id);
                    if (r is { CgroupPaths.Count: > 0 })
                    {
                        Trace($"Container '{c.Name}': still running {timeout.TotalSeconds} s after SIGTERM; killing every process in {string.Join(", ", r.CgroupPaths)}");
                        Cgroups.KillAll(new ContainerCgroup(r.CgroupPaths));
                    }
                    // No cgroup (rootless without delegation): killing PID 1 ends its whole PID namespace.
                    else if (r != null && ProcessInfo.IsSame(r.Pid, r.PidStartTime))
                    {
                        Trace($"Container '{c.Name}': still running {timeout.TotalSeconds} s after SIGTERM; killing its PID 1 (no cgroup)");
                        Syscalls.Kill(r.Pid!.Value, Syscalls.SIGKILL_);
                    }
                }
            WaitForAll(running, TimeSpan.FromSeconds(10), CancellationToken.None);
            var results = ids.Select(id => errors.TryGetValue(id, out var e) ? new StopResult(id, null, e)
                : Get(id) is Container c ? new StopResult(id, c, null) : new StopResult(id, null, NotFound(id))).ToList();
            // After the Get that recorded the die, as docker orders them.
            foreach (var r in results) if (r.Container != null) RecordEvent("stop", r.Container);
            return results;
        }

        /// <summary>SIGTERM to a running container's init (thawed first when paused); the container as it was.</summary>
        private ContainerRecord SignalStop(string id)
        {
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State is not (ContainerState.Running or ContainerState.Paused))
                throw new MiniDockerException("ContainerNotRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is not running (state {c.State}).", c);
            if (ProcessInfo.IsSame(c.Pid, c.PidStartTime)) Syscalls.Kill(c.Pid!.Value, Syscalls.SIGTERM_);
            Trace($"Container '{c.Name}': SIGTERM to its init (PID {c.Pid})");
            if (c.State == ContainerState.Paused)
            {
                // A frozen init cannot act on SIGTERM: thaw it so the signal is delivered (docker does the same).
                Cgroups.Thaw(new ContainerCgroup(c.CgroupPaths));
                c.State = ContainerState.Running;
                _store.TrySave(c);   // it is about to stop: a full disk must not keep it running
            }
            return c;
        }

        /// <summary>Waits until every one of CONTAINERS has exited or TIMEOUT passes; returns those still running.</summary>
        private List<ContainerRecord> WaitForAll(List<ContainerRecord> containers, TimeSpan timeout, CancellationToken token)
        {
            if (containers.Count == 1) return WaitForExit(containers[0], timeout, token) ? new List<ContainerRecord>() : containers;
            var deadline = DateTime.UtcNow + timeout;
            var left = containers.Where(c => !HasExited(c)).ToList();
            while (left.Count > 0 && DateTime.UtcNow < deadline && !token.IsCancellationRequested)
            {
                token.WaitHandle.WaitOne(20);
                left.RemoveAll(HasExited);
            }
            return left;
        }

        /// <summary>The run is over: its monitor recorded the exit, or the monitor and the init are both gone.</summary>
        private bool HasExited(ContainerRecord c) =>
            File.Exists(_store.ExitPath(c.Id)) ||   // written last: the monitor writes nothing after it
            !ProcessInfo.IsSame(c.MonitorPid, c.MonitorStartTime) && !ProcessInfo.IsSame(c.Pid, c.PidStartTime);

        /// <summary>Waits until the run is over (see <see cref="HasExited"/>); false on timeout or cancel.</summary>
        private bool WaitForExit(ContainerRecord c, TimeSpan timeout, CancellationToken token)
        {
            var deadline = timeout >= DateTime.MaxValue - DateTime.UtcNow ? DateTime.MaxValue : DateTime.UtcNow + timeout;
            // The monitor exits right after recording the exit: wake on its pidfd rather than poll; once the monitor is
            // gone (killed), on the init's. A PID recycled before the open is caught by the start-time checks.
            Syscalls.Pidfd? pidfd = null;
            int? watched = null;
            try
            {
                while (true)
                {
                    if (HasExited(c)) return true;
                    if (DateTime.UtcNow >= deadline || token.IsCancellationRequested) return false;
                    int? want = ProcessInfo.IsSame(c.MonitorPid, c.MonitorStartTime) ? c.MonitorPid : c.Pid;
                    if (want != watched)
                    {
                        pidfd?.Dispose();
                        pidfd = want is int w ? Syscalls.OpenPidfd(w) : null;
                        watched = want;
                    }
                    // Short slices so cancellation is seen promptly; without pidfd (kernel < 5.3) poll every 10 ms.
                    if (pidfd != null) pidfd.WaitExited(TimeSpan.FromMilliseconds(Math.Min(100, Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds))));
                    else token.WaitHandle.WaitOne(10);
                }
            }
            finally { pidfd?.Dispose(); }
        }

        /// <summary>Waits for the container to exit; null TIMEOUT waits forever. Throws on timeout.</summary>
        public Container Wait(string id, TimeSpan? timeout, CancellationToken token)
        {
            // A record that says Running is waited on as read: its end (or its monitor's death) ends the wait and the locked
            // read below records it, so reconciling first only read it twice more. Any other state (a Start under way in
            // another process, a killed one) gets the reconciling read.
            var loaded = _store.Load(id);
            var c = loaded is { State: ContainerState.Running or ContainerState.Paused } ? loaded : GetRecord(id, loaded) ?? throw NotFound(id);
            if (c.State == ContainerState.Created)
                throw new MiniDockerException("ContainerNotStarted", FailureKind.InvalidOperation, $"Container '{c.Name}' has not been started; start it first.", c);
            // Found stopped: GetRecord reconciled it (and removed an auto-remove one), so that record is the last word.
            if (c.State is not (ContainerState.Running or ContainerState.Paused)) return c.ToContainer();
            if (!WaitForExit(c, timeout ?? TimeSpan.MaxValue, token))
            {
                token.ThrowIfCancellationRequested();
                throw new MiniDockerException("WaitTimeout", FailureKind.OperationTimeout, $"Container '{c.Name}' was still running after {timeout?.TotalSeconds} s.", c);
            }
            return ReadAfterExit(id)?.ToContainer() ?? (IsAutoRemovable(c) ? c : throw NotFound(id));
        }

        /// <summary>
        /// GetRecord for a container seen exiting: straight to the locked reconcile (the unlocked look first would find it
        /// Running and read it again anyway).
        /// </summary>
        private ContainerRecord? ReadAfterExit(string id)
        {
            using (_store.Lock(id))
            {
                var c = Reconcile(_store.Load(id));
                // docker run --rm: removed under the same lock (not by a second command that locks and reconciles again). The
                // Exited record is still saved first, so a command killed before the remove never records the death twice.
                if (c == null || !IsAutoRemovable(c)) return c;
                try { RemoveLocked(c, force: false); }
                catch (MiniDockerException) { }   // left for the next read (or Remove-MiniContainer) to retry
                return c;
            }
        }

        /// <summary>
        /// Deletes the container and everything it owns; a running one only with FORCE (it is killed). Needs no disk
        /// space (a full disk must not keep a container); the record goes first, so a Remove killed midway leaves an
        /// orphan folder that the next listing cleans, never a record pointing at half a container.
        /// </summary>
        public void Remove(string id, bool force) => Remove(id, force, collectLayers: true);

        // Without COLLECTLAYERS for the auto-remove inside reads, which may run under the image store's lock.
        private void Remove(string id, bool force, bool collectLayers)
        {
            string? imageId;
            using (_store.Lock(id)) imageId = RemoveLocked(Reconcile(_store.Load(id)) ?? throw NotFound(id), force);
            if (imageId != null && collectLayers) ImageService.CollectUnusedLayers();   // its image may have been removed with -Force while it lived
        }

        /// <summary>Remove's work on C, reconciled; the caller holds its lock. The image id it used, if any.</summary>
        private string? RemoveLocked(ContainerRecord c, bool force)
        {
            if (c.State is ContainerState.Running or ContainerState.Paused)
            {
                if (!force)
                    throw new MiniDockerException("ContainerRunning", FailureKind.InvalidOperation, (p, op) => $"Container '{c.Name}' is {c.State.ToString().ToLowerInvariant()}; stop it first or use {p("Force")}.", c);
                Cgroups.KillAll(new ContainerCgroup(c.CgroupPaths));
                if (ProcessInfo.IsSame(c.Pid, c.PidStartTime)) Syscalls.Kill(c.Pid!.Value, Syscalls.SIGKILL_);
                WaitForExit(c, TimeSpan.FromSeconds(10), CancellationToken.None);
                c = Reconcile(c)!;
            }
            if (c.CgroupPaths.Count > 0) Trace($"Container '{c.Name}': removing its cgroup {string.Join(", ", c.CgroupPaths)}");
            ReleaseCgroup(c);
            ReleaseNetwork(c);
            try
            {
                if (Directory.Exists(_store.RunDirectoryOf(c.Id))) Directory.Delete(_store.RunDirectoryOf(c.Id), recursive: true);
                File.Delete(_store.RecordPath(c.Id));
                Rootless.RootlessFiles.DeleteTree(_store.DirectoryOf(c.Id));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A specific error, so a pipeline removing many containers goes on to the next one.
                throw new MiniDockerException("ContainerRemoveFailed", FailureKind.WriteError,
                    (p, op) => $"Container '{c.Name}' could not be fully removed ({e.Message}); {op("GetContainer")} cleans what is left, or run {op("RemoveContainer")} again.", c, e);
            }
            Names.Release(c.Name, c.Id);
            // Still holding it: lockers waiting on this file see it unlinked and find no container.
            _store.DeleteLock(c.Id);
            RecordEvent("remove", c);
            return c.ImageId;
        }

        // ---------------------------------------------------------------- logs

        public IEnumerable<LogEntry> Logs(string id, int? tail, DateTime? since = null) => ContainerLog.Read(_store.LogPath(id), tail, since);

        /// <summary>
        /// Streams log entries from the oldest kept as they are written until the container exits or TOKEN is cancelled;
        /// MISSED gets the bytes a reader lost when it fell behind the log's rotation.
        /// </summary>
        public IEnumerable<LogEntry> FollowLogs(string id, CancellationToken token, Action<long>? missed = null) =>
            QueryLogs(id, new LogQuery { Follow = true }, token, missed);

        private static MiniDockerException NameInUse(string name) =>
            new("ContainerNameInUse", FailureKind.ResourceExists, $"A container named '{name}' already exists; remove it or choose another name.", name);

        private static MiniDockerException NotFound(string id) =>
            new("ContainerNotFound", FailureKind.ObjectNotFound, $"Container '{id}' does not exist.", id);
    }
}
