using System;
using System.Collections.Generic;
using System.Diagnostics;
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
        private const int EPERM = 1, ENOENT = 2, EACCES = 13, ENOTDIR = 20, ELOOP = 40, EOPNOTSUPP = 95, EADDRINUSE = 98;
        private static readonly Regex ValidHostname = new(@"^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})\z", RegexOptions.Compiled);

        private readonly EngineOptions _options;
        private readonly ContainerStore _store;
        private ICgroupDriver? _cgroups;

        public ContainerEngine(EngineOptions? options = null)
        {
            _options = options ?? new EngineOptions();
            _store = new ContainerStore(_options.ContainersRoot, _options.RunContainersRoot);
        }

        public EngineOptions Options => _options;

        /// <summary>Detected on first use, so commands that need no cgroup work on any host.</summary>
        public ICgroupDriver Cgroups => _cgroups ??= CgroupDriver.ForHost(_options.CgroupParent);

        // ---------------------------------------------------------------- create

        public Container Create(ContainerSpec spec)
        {
            var root = ResolveRootSource(spec);
            string[] command = root.Image != null ? ImageCommand(root.Image, spec.Command) : spec.Command;
            if (command.Length == 0 || string.IsNullOrEmpty(command[0]))
                throw new MiniDockerException("EmptyCommand", FailureKind.InvalidArgument, "The command is empty: give the program to run, e.g. -Command /bin/sh,-c,'echo hi'.", command);
            if (command.Any(a => a.Contains('\0')))
                throw new MiniDockerException("InvalidCommand", FailureKind.InvalidArgument, "A command argument contains a NUL character.", command);
            ValidateEnvironment(spec.Environment);
            var limits = spec.Limits.ApplyTo(new ResourceLimits(), HostCpus.Current());
            string workdir = spec.WorkingDirectory ?? root.Image?.Config.WorkingDir ?? "/";
            if (!workdir.StartsWith('/'))
                throw new MiniDockerException("InvalidWorkingDirectory", FailureKind.InvalidArgument, $"Working directory '{workdir}' must be an absolute path inside the container.", workdir);
            var mounts = ParseMounts(spec);

            var env = ImageEnvironment(root.Image);
            foreach (var kv in spec.Environment) env[kv.Key] = kv.Value;
            string searchPath = env.TryGetValue("PATH", out var p) ? p : ContainerPlan.DefaultPath;
            if (RootfsPath.FindCommand(root.LayersTopFirst, command[0], searchPath) == null)
                throw new MiniDockerException("CommandNotFound", FailureKind.ObjectNotFound,
                    $"Command '{command[0]}' not found in {root.Description}" + (command[0].Contains('/') ? "." : $" (searched PATH {searchPath})."), command[0]);

            string id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
            string hostname = spec.Hostname ?? id.Substring(0, 12);
            if (!ValidHostname.IsMatch(hostname))
                throw new MiniDockerException("InvalidHostname", FailureKind.InvalidArgument, $"Hostname '{hostname}' is not valid: 1-63 letters, digits, '.' or '-', starting with a letter or digit.", hostname);
            if (spec.Name != null) ContainerStore.ValidateName(spec.Name);
            var security = SecurityPolicy.Resolve(spec, root.LayersTopFirst, root.Image?.Config.User);
            var network = ValidateNetworkSpec(spec);

            var c = new Container
            {
                Id = id,
                RootFs = root.Image == null ? root.LayersTopFirst[0] : "",
                Image = root.Image?.ToString(),
                ImageId = root.Image?.Id,
                Layers = root.Image == null ? new List<string>() : root.LayersTopFirst.Reverse().ToList(),
                Mounts = mounts,
                Command = command.ToArray(),
                Hostname = hostname,
                Environment = env,
                WorkingDirectory = workdir,
                Init = spec.Init,
                Limits = limits,
                Security = security,
                Created = DateTime.UtcNow,
                State = ContainerState.Created,
            };
            network.ApplyTo(c);
            using (_store.Lock())
            {
                var taken = _store.Ids().Select(_store.Load).Where(x => x != null).Select(x => x!.Name).ToHashSet();
                if (spec.Name != null && taken.Contains(spec.Name))
                    throw new MiniDockerException("ContainerNameInUse", FailureKind.ResourceExists, $"A container named '{spec.Name}' already exists; remove it or choose another name.", spec.Name);
                c.Name = spec.Name ?? ContainerNames.Generate(taken);
                string dir = _store.DirectoryOf(id);
                Directory.CreateDirectory(dir);
                try { _store.Save(c); }
                catch { Directory.Delete(dir, true); throw; }
            }
            return c;
        }

        // ---------------------------------------------------------------- read

        /// <summary>All containers, reconciled with the kernel, oldest first.</summary>
        public IReadOnlyList<Container> List()
        {
            CollectDeadLeases();
            return _store.Ids().Select(Get).Where(c => c != null).Cast<Container>().OrderBy(c => c.Created).ToList();
        }

        /// <summary>The container with this exact id, reconciled; null if there is none.</summary>
        public Container? Get(string id)
        {
            if (_store.Load(id) is not Container c) return null;
            if (c.State is ContainerState.Running or ContainerState.Paused)
                using (_store.Lock(id)) return Reconcile(_store.Load(id));
            return c;
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

        /// <summary>Brings a Running/Paused record in line with reality. Caller holds the container's lock.</summary>
        private Container? Reconcile(Container? c)
        {
            if (c == null || c.State is not (ContainerState.Running or ContainerState.Paused)) return c;
            string exitPath = _store.ExitPath(c.Id);
            if (File.Exists(exitPath))
            {
                c.ExitCode = int.TryParse(File.ReadAllText(exitPath).Trim(), out var code) ? code : -1;
                c.FinishedAt = File.GetLastWriteTimeUtc(exitPath);
                c.State = ContainerState.Exited;
            }
            else if (!ProcessInfo.IsSame(c.MonitorPid, c.MonitorStartTime) && !ProcessInfo.IsSame(c.Pid, c.PidStartTime))
            {
                c.State = ContainerState.Dead;
                c.FinishedAt = DateTime.UtcNow;
                c.Error = "The container's monitor and init are gone without recording an exit status.";
            }
            else return c;
            // The OOM counter lives in the cgroup: read it before the cgroup goes.
            ReleaseCgroup(c);
            ReleaseNetwork(c);
            c.Pid = null;
            c.MonitorPid = null;
            _store.Save(c);
            return c;
        }

        private void ReleaseCgroup(Container c)
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

        public Container Start(string id) => Start(id, tty: false, out _);

        /// <summary>
        /// Starts ID with its init on a new pty of the container's devpts, relayed to this process's terminal
        /// (inherited fds 0-1, raw mode in the helper, like docker run -it); returns the container once its init has exited.
        /// </summary>
        public Container RunInteractive(string id)
        {
            var c = Start(id, tty: true, out var monitor);
            using (monitor) monitor!.WaitForExit();
            return Get(c.Id) ?? throw NotFound(c.Id);
        }

        private Container Start(string id, bool tty, out Process? attachedMonitor)
        {
            attachedMonitor = null;
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State is ContainerState.Running or ContainerState.Paused)
                throw new MiniDockerException("ContainerAlreadyRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is already {c.State.ToString().ToLowerInvariant()}.", c);
            foreach (var lower in LowerDirs(c))
                if (!Directory.Exists(lower))
                    throw new MiniDockerException("RootFsNotFound", FailureKind.ObjectNotFound, $"Root filesystem folder '{lower}' of container '{c.Name}' no longer exists.", c);

            string dir = _store.DirectoryOf(c.Id);
            PrepareOverlayDirectories(dir, LowerDirs(c));
            var mounts = ResolveMountTargets(c, dir);
            Directory.CreateDirectory(_store.RunDirectoryOf(c.Id));
            File.Delete(_store.ExitPath(c.Id));
            var log = new FileInfo(_store.LogPath(c.Id));
            c.LogStartOffset = log.Exists ? log.Length : 0;

            var cg = Cgroups.Create(c.Id, c.Limits);
            try
            {
                var network = AttachNetwork(c, dir);
                var plan = ContainerPlan.Build(c, dir, Cgroups.ProcsFiles(cg), _store.LogPath(c.Id), _store.ExitPath(c.Id), mounts, network);
                plan.LogMax(_options.LogMaxBytes);
                SeccompCache.Attach(plan, _options.SeccompCacheRoot, _options.HelperPath);
                HelperReport report;
                if (tty)
                    (report, attachedMonitor) = Helper.LaunchAttached(_options.HelperPath, plan.Tty(), Path.Combine(_store.RunDirectoryOf(c.Id), "plan"));
                else
                    report = Helper.Launch(_options.HelperPath, plan);
                if (!report.Ok) throw StartFailure(c, report);
                c.MonitorPid = report.MonitorPid;
                c.MonitorStartTime = ProcessInfo.StartTime(report.MonitorPid);
                c.Pid = report.InitPid;
                c.PidStartTime = ProcessInfo.StartTime(report.InitPid);
                c.State = ContainerState.Running;
                c.StartedAt = DateTime.UtcNow;
                c.FinishedAt = null;
                c.ExitCode = null;
                c.OomKilled = false;
                c.Error = null;
                c.CgroupPaths = cg.Directories.ToList();
                BindNetwork(c, network, report);
                _store.Save(c);
                return c;
            }
            catch
            {
                Cgroups.KillAll(cg);
                Cgroups.Remove(cg);
                ReleaseNetwork(c);
                throw;
            }
        }

        /// <summary>l0, l1, ... → the lower dirs, bottom first (short relative names for the overlay options), a fresh work dir.</summary>
        private static void PrepareOverlayDirectories(string dir, IReadOnlyList<string> lowersBottomFirst)
        {
            Directory.CreateDirectory(Path.Combine(dir, "upper"));
            Directory.CreateDirectory(Path.Combine(dir, "rootfs"));
            string work = Path.Combine(dir, "work");
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            Directory.CreateDirectory(work);
            for (int i = 0; i < lowersBottomFirst.Count; i++)
            {
                string link = Path.Combine(dir, ContainerPlan.LowerName(i));
                if (File.Exists(link) || Directory.Exists(link)) File.Delete(link);
                File.CreateSymbolicLink(link, lowersBottomFirst[i]);
            }
        }

        private static MiniDockerException StartFailure(Container c, HelperReport r)
        {
            string cause = r.Errno != 0 ? Marshal.GetPInvokeErrorMessage(r.Errno) : "failed";
            return (r.Step, r.Errno) switch
            {
                ("exec", ENOENT) => new MiniDockerException("CommandNotFound", FailureKind.ObjectNotFound,
                    $"Command '{r.Argument}' not found in {RootDescription(c)}.", c),
                ("exec", EACCES) => new MiniDockerException("CommandNotExecutable", FailureKind.PermissionDenied,
                    $"Command '{r.Argument}' in {RootDescription(c)} is not executable.", c),
                ("cwd", ENOENT or ENOTDIR) => new MiniDockerException("WorkingDirectoryNotFound", FailureKind.ObjectNotFound,
                    $"Working directory '{r.Argument}' does not exist in container '{c.Name}'.", c),
                ("cwd", EACCES) => new MiniDockerException("WorkingDirectoryNotAccessible", FailureKind.PermissionDenied,
                    $"User '{c.Security.User}' may not enter working directory '{r.Argument}' in container '{c.Name}'.", c),
                ("mount" or "mkdir" or "mknod" or "symlink", ENOENT or ENOTDIR or ELOOP) when r.Argument.StartsWith("rootfs/", StringComparison.Ordinal) =>
                    new MiniDockerException("RootFsPathUnusable", FailureKind.InvalidOperation,
                        $"The {RootDescription(c)} has a /{r.Argument.Substring(7)} that does not resolve to a usable path inside it (e.g. a symlink pointing outside); fix the image.", c),
                ("publish", EADDRINUSE) => new MiniDockerException("PortAlreadyAllocated", FailureKind.ResourceUnavailable,
                    $"Host port {r.Argument} of container '{c.Name}' is already in use by another program.", c),
                ("bridge" or "veth", EOPNOTSUPP) => new MiniDockerException("BridgeNotSupported", FailureKind.NotInstalled,
                    $"The kernel cannot make a {r.Step} ({r.Argument}): the bridge/veth modules are missing (a custom WSL kernel lacks them); use -Network none or host.", c),
                ("rlimit", EPERM) => new MiniDockerException("UlimitNotPermitted", FailureKind.PermissionDenied,
                    $"Container '{c.Name}' asks for a hard resource limit above the engine's own, which needs CAP_SYS_RESOURCE; lower -Ulimit.", c),
                _ => new MiniDockerException("ContainerStartFailed", FailureKind.InvalidOperation,
                    $"Container '{c.Name}' failed to start at step '{r.Step}' ({r.Argument}): {cause}.", c),
            };
        }

        // ---------------------------------------------------------------- stop, wait, remove

        /// <summary>SIGTERM to the init; after TIMEOUT, SIGKILL to every process in the container's cgroup.</summary>
        public Container Stop(string id, TimeSpan timeout, CancellationToken token = default)
        {
            Container c;
            using (_store.Lock(id))
            {
                c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
                if (c.State is not (ContainerState.Running or ContainerState.Paused))
                    throw new MiniDockerException("ContainerNotRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is not running (state {c.State}).", c);
                if (ProcessInfo.IsSame(c.Pid, c.PidStartTime)) Syscalls.Kill(c.Pid!.Value, Syscalls.SIGTERM_);
                if (c.State == ContainerState.Paused)
                {
                    // A frozen init cannot act on SIGTERM: thaw it so the signal is delivered (docker does the same).
                    Cgroups.Thaw(new ContainerCgroup(c.CgroupPaths));
                    c.State = ContainerState.Running;
                    _store.Save(c);
                }
            }
            if (!WaitForExit(c, timeout, token))
                using (_store.Lock(id))
                {
                    if (_store.Load(id) is { CgroupPaths.Count: > 0 } running)
                        Cgroups.KillAll(new ContainerCgroup(running.CgroupPaths));
                }
            WaitForExit(c, TimeSpan.FromSeconds(10), CancellationToken.None);
            return Get(id) ?? throw NotFound(id);
        }

        /// <summary>Waits until the monitor has recorded the exit (or vanished); false on timeout or cancel.</summary>
        private bool WaitForExit(Container c, TimeSpan timeout, CancellationToken token)
        {
            var deadline = timeout >= DateTime.MaxValue - DateTime.UtcNow ? DateTime.MaxValue : DateTime.UtcNow + timeout;
            // The monitor exits right after recording the exit: wake on its pidfd rather than poll. A PID
            // recycled before the open is caught by the start-time check in the loop.
            using var monitor = c.MonitorPid is int m ? Syscalls.OpenPidfd(m) : null;
            while (true)
            {
                if (File.Exists(_store.ExitPath(c.Id)) || !ProcessInfo.IsSame(c.MonitorPid, c.MonitorStartTime)) return true;
                if (DateTime.UtcNow >= deadline || token.IsCancellationRequested) return false;
                // Short slices so cancellation is seen promptly; without pidfd (kernel < 5.3) poll every 10 ms.
                if (monitor != null) monitor.WaitExited(TimeSpan.FromMilliseconds(Math.Min(100, Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds))));
                else token.WaitHandle.WaitOne(10);
            }
        }

        /// <summary>Waits for the container to exit; null TIMEOUT waits forever. Throws on timeout.</summary>
        public Container Wait(string id, TimeSpan? timeout, CancellationToken token)
        {
            var c = Get(id) ?? throw NotFound(id);
            if (c.State == ContainerState.Created)
                throw new MiniDockerException("ContainerNotStarted", FailureKind.InvalidOperation, $"Container '{c.Name}' has not been started; start it first.", c);
            if (c.State is ContainerState.Running or ContainerState.Paused &&
                !WaitForExit(c, timeout ?? TimeSpan.MaxValue, token))
            {
                token.ThrowIfCancellationRequested();
                throw new MiniDockerException("WaitTimeout", FailureKind.OperationTimeout, $"Container '{c.Name}' was still running after {timeout?.TotalSeconds} s.", c);
            }
            return Get(id) ?? throw NotFound(id);
        }

        /// <summary>Deletes the container and everything it owns; a running one only with FORCE (it is killed).</summary>
        public void Remove(string id, bool force)
        {
            using var _ = _store.Lock(id);
            var c = Reconcile(_store.Load(id)) ?? throw NotFound(id);
            if (c.State is ContainerState.Running or ContainerState.Paused)
            {
                if (!force)
                    throw new MiniDockerException("ContainerRunning", FailureKind.InvalidOperation, $"Container '{c.Name}' is {c.State.ToString().ToLowerInvariant()}; stop it first or use -Force.", c);
                Cgroups.KillAll(new ContainerCgroup(c.CgroupPaths));
                if (ProcessInfo.IsSame(c.Pid, c.PidStartTime)) Syscalls.Kill(c.Pid!.Value, Syscalls.SIGKILL_);
                WaitForExit(c, TimeSpan.FromSeconds(10), CancellationToken.None);
                c = Reconcile(c)!;
            }
            ReleaseCgroup(c);
            ReleaseNetwork(c);
            if (Directory.Exists(_store.RunDirectoryOf(c.Id))) Directory.Delete(_store.RunDirectoryOf(c.Id), recursive: true);
            Directory.Delete(_store.DirectoryOf(c.Id), recursive: true);
            if (c.ImageId != null) CollectUnusedLayers();   // its image may have been removed with -Force while it lived
        }

        // ---------------------------------------------------------------- logs

        public IEnumerable<LogEntry> Logs(string id, int? tail, DateTime? since = null) => ContainerLog.Read(_store.LogPath(id), tail, since);

        /// <summary>What the monitor rotated away (logmax) and still keeps, oldest first.</summary>
        public IEnumerable<LogEntry> RotatedLogs(string id) => ContainerLog.ReadFile(ContainerLog.RotatedPath(_store.LogPath(id)));

        /// <summary>Streams log entries as they are written until the container exits or TOKEN is cancelled.</summary>
        public IEnumerable<LogEntry> FollowLogs(string id, CancellationToken token, long fromOffset = 0)
        {
            var c = _store.Load(id) ?? throw NotFound(id);
            return ContainerLog.Follow(_store.LogPath(id),
                () => c.State is not (ContainerState.Running or ContainerState.Paused) || File.Exists(_store.ExitPath(id)) || !ProcessInfo.IsSame(c.MonitorPid, c.MonitorStartTime),
                token, fromOffset);
        }

        private static MiniDockerException NotFound(string id) =>
            new("ContainerNotFound", FailureKind.ObjectNotFound, $"Container '{id}' does not exist.", id);
    }
}
