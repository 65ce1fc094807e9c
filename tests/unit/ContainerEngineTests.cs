using System;
using System.IO;
using System.Linq;
using MiniDocker.Engine;
using MiniDocker.Engine.Cgroups;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>
    /// The container lifecycle, reconcile and failure cleanup, driven through the real ContainerEngine with
    /// <see cref="FakeHelperRunner"/> (real processes, no namespaces) and the real v1 driver over a fake cgroupfs.
    /// </summary>
    public sealed class ContainerEngineTests : IDisposable
    {
        private readonly TempDirectory _root = new();
        private readonly FakeCgroupTree _tree = new();
        private readonly FakeHelperRunner _helper = new();
        private readonly FakeCgroupDriver _cgroups;
        private readonly ContainerEngine _engine;
        private readonly string _rootfs;

        public ContainerEngineTests()
        {
            _cgroups = new FakeCgroupDriver(_tree);
            // The seccomp cache is keyed by the helper file's size and time: a file must be there.
            string helperFile = _root.File("fake-mdhelper", "stands in for mdhelper");
            _rootfs = _root.Dir("rootfs");
            _root.File("rootfs/bin/app", "not really a program", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            _engine = new ContainerEngine(new EngineOptions
            {
                StateRoot = Path.Combine(_root.Path, "state"),
                RunRoot = Path.Combine(_root.Path, "run"),
                HelperPath = helperFile,
                CgroupParent = "md",
                DefaultNetwork = "none",
                HelperRunner = _helper,
                CgroupDriver = _cgroups,
            });
        }

        public void Dispose()
        {
            _helper.Dispose();
            _tree.Dispose();
            _root.Dispose();
        }

        private Container New(string? name = null) => _engine.Create(new ContainerSpec { RootFs = _rootfs, Command = new[] { "/bin/app", "x" }, Name = name });

        private string Record(string id) => Path.Combine(_engine.Options.ContainersRoot, id, "config.json");
        private string RunDir(string id) => Path.Combine(_engine.Options.RunContainersRoot, id);
        private string RunExit(string id) => Path.Combine(RunDir(id), "exit");
        private string StateExit(string id) => Path.Combine(_engine.Options.ContainersRoot, id, "exit");

        private static bool Alive(int? pid, ulong? start) => ProcessInfo.IsSame(pid, start);
        /// <summary>C's record as stored now: the bookkeeping (start times, cgroup paths) users do not see.</summary>
        private ContainerRecord Stored(Container c) => new ContainerStore(_engine.Options.ContainersRoot).Load(c.Id)!;

        // ------------------------------------------------------------ lifecycle

        [Fact]
        public void CreateRecordsACreatedContainerAndRunsNothing()
        {
            var c = New("web");
            Assert.Equal(ContainerState.Created, c.State);
            Assert.True(File.Exists(Record(c.Id)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(Record(c.Id))!));
            Assert.Empty(_helper.Plans);
            Assert.Empty(_cgroups.ContainerDirectories());
            var read = _engine.Get(c.Id)!;
            Assert.Equal("web", read.Name);
            Assert.Equal(new[] { "/bin/app", "x" }, read.Command);
        }

        [Fact]
        public void StartRunsTheInitInsideTheContainersCgroupAndRecordsItsPids()
        {
            var c = New();
            var started = Stored(_engine.Start(c.Id));
            Assert.Equal(ContainerState.Running, started.State);
            Assert.True(Alive(started.Pid, started.PidStartTime), "the init runs");
            Assert.True(Alive(started.MonitorPid, started.MonitorStartTime), "the monitor runs");
            Assert.Equal(started.MonitorPid, ProcessInfo.ParentPid(started.Pid!.Value));
            // The plan put the init into the cgroup the driver made, with the limits written before.
            Assert.Equal(FakeCgroupDriver.HierarchyCount, started.CgroupPaths.Count);
            foreach (var dir in started.CgroupPaths)
                Assert.Equal(started.Pid.ToString(), File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Trim());
            Assert.Equal("4096", File.ReadAllText(Path.Combine(started.CgroupPaths.Single(d => d.Contains("/pids/")), "pids.max")).Trim());
            var plan = _helper.Plans.Single();
            Assert.Contains(plan.Directives, d => d[0] == "hostname" && d[1] == c.Hostname);
            Assert.Contains(plan.Directives, d => d[0] == "exitfile" && d[1] == RunExit(c.Id));
            // What was recorded is what a fresh read sees.
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Running, read.State);
            Assert.Equal(started.Pid, read.Pid);
            var again = Assert.Throws<MiniDockerException>(() => _engine.Start(c.Id));
            Assert.Equal("ContainerAlreadyRunning", again.ErrorId);
        }

        [Fact]
        public void StopSendsSigtermRecordsTheExitAndReleasesTheCgroup()
        {
            var c = Stored(_engine.Start(New().Id));
            var stopped = _engine.Stop(c.Id, TimeSpan.FromSeconds(10));
            Assert.Equal(ContainerState.Exited, stopped.State);
            Assert.Equal(143, stopped.ExitCode);   // 128 + SIGTERM, as the monitor recorded it
            Assert.Null(stopped.Pid);
            Assert.Null(stopped.MonitorPid);
            Assert.Empty(Stored(stopped).CgroupPaths);
            Assert.Empty(_cgroups.ContainerDirectories());
            Assert.False(Alive(c.Pid, c.PidStartTime));
            var notRunning = Assert.Throws<MiniDockerException>(() => _engine.Stop(c.Id, TimeSpan.FromSeconds(1)));
            Assert.Equal("ContainerNotRunning", notRunning.ErrorId);
            // Restart: a new run with new pids, the old exit files gone.
            var second = _engine.Start(c.Id);
            Assert.Equal(ContainerState.Running, second.State);
            Assert.NotEqual(c.Pid, second.Pid);
            Assert.Null(second.ExitCode);
            Assert.False(File.Exists(StateExit(c.Id)));
        }

        [Fact]
        public void RemoveDeletesEverythingAndRefusesARunningContainerWithoutForce()
        {
            var c = Stored(_engine.Start(New().Id));
            var refused = Assert.Throws<MiniDockerException>(() => _engine.Remove(c.Id, force: false));
            Assert.Equal("ContainerRunning", refused.ErrorId);
            Assert.True(Alive(c.Pid, c.PidStartTime));
            _engine.Remove(c.Id, force: true);
            FakeHelperRunner.WaitGone(c.Pid!.Value);
            Assert.False(Directory.Exists(Path.GetDirectoryName(Record(c.Id))));
            Assert.False(Directory.Exists(RunDir(c.Id)));
            Assert.False(File.Exists(Path.Combine(_engine.Options.ContainersRoot, ".locks", c.Id)));
            Assert.Empty(_cgroups.ContainerDirectories());
            Assert.Null(_engine.Get(c.Id));
            Assert.Empty(_engine.List());
        }

        // ------------------------------------------------------------ reconcile

        [Fact]
        public void AnInitWhoseMonitorDiedStillRunsAndSaysTheExitStatusIsLost()
        {
            var c = Stored(_engine.Start(New().Id));
            Syscalls.Kill(c.MonitorPid!.Value, Syscalls.SIGKILL_);
            FakeHelperRunner.WaitGone(c.MonitorPid.Value);
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Running, read.State);
            Assert.Contains("monitor", read.Error);
            Assert.Contains("Error", File.ReadAllText(Record(c.Id)));   // saved, so the next reader need not work it out again
            var stopped = _engine.Stop(c.Id, TimeSpan.FromSeconds(5));
            Assert.False(Alive(c.Pid, c.PidStartTime));
            Assert.Equal(ContainerState.Dead, stopped.State);   // nobody recorded a status
            Assert.Empty(_cgroups.ContainerDirectories());
        }

        [Fact]
        public void MonitorAndInitGoneWithoutAnExitFileIsDeadAndItsCgroupGoes()
        {
            var c = Stored(_engine.Start(New().Id));
            Syscalls.Kill(c.MonitorPid!.Value, Syscalls.SIGKILL_);
            Syscalls.Kill(c.Pid!.Value, Syscalls.SIGKILL_);
            FakeHelperRunner.WaitGone(c.MonitorPid.Value);
            FakeHelperRunner.WaitGone(c.Pid.Value);
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Dead, read.State);
            Assert.NotNull(read.Error);
            Assert.Null(read.Pid);
            Assert.Empty(_cgroups.ContainerDirectories());
            Assert.Equal(ContainerState.Dead, _engine.Get(c.Id)!.State);
        }

        [Fact]
        public void AnExitTheMonitorRecordedIsReadWithItsCode()
        {
            var c = Stored(_engine.Start(New().Id));
            Syscalls.Kill(c.Pid!.Value, Syscalls.SIGKILL_);
            var done = _engine.Wait(c.Id, TimeSpan.FromSeconds(20), default);
            Assert.Equal(ContainerState.Exited, done.State);
            Assert.Equal(137, done.ExitCode);
            Assert.Empty(_cgroups.ContainerDirectories());
        }

        [Fact]
        public void ATornExitFileIsAnExitWithAnUnknownCodeNotACrash()
        {
            var c = Stored(_engine.Start(New().Id));
            Syscalls.Kill(c.MonitorPid!.Value, Syscalls.SIGKILL_);
            Syscalls.Kill(c.Pid!.Value, Syscalls.SIGKILL_);
            FakeHelperRunner.WaitGone(c.MonitorPid.Value);
            FakeHelperRunner.WaitGone(c.Pid.Value);
            File.WriteAllText(StateExit(c.Id), "1");   // a write cut short: no newline, then nothing
            File.WriteAllText(StateExit(c.Id), "");
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Exited, read.State);
            Assert.Equal(-1, read.ExitCode);
        }

        [Fact]
        public void TheStateDirsExitCopyCountsWhenTheRunDirIsGone()
        {
            var c = Stored(_engine.Start(New().Id));
            Syscalls.Kill(c.Pid!.Value, Syscalls.SIGTERM_);
            _engine.Wait(c.Id, TimeSpan.FromSeconds(20), default);
            // A record still saying Running from before a reboot: /run is empty, the copy beside the record remains.
            var running = File.ReadAllText(Record(c.Id));
            Assert.Equal("143", File.ReadAllText(StateExit(c.Id)).Trim());
            Directory.Delete(RunDir(c.Id), recursive: true);
            var stale = System.Text.Json.Nodes.JsonNode.Parse(running)!;
            stale["State"] = "Running";
            stale["Pid"] = c.Pid;
            stale["PidStartTime"] = c.PidStartTime;
            stale["MonitorPid"] = c.MonitorPid;
            stale["MonitorStartTime"] = c.MonitorStartTime;
            File.WriteAllText(Record(c.Id), stale.ToJsonString());
            Assert.Equal(ContainerState.Running, _engine.ListRecords().Single().State);
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Exited, read.State);
            Assert.Equal(143, read.ExitCode);
        }

        [Fact]
        public void AStartKilledBeforeItsRecordIsAdoptedFromTheCgroup()
        {
            var c = New();
            string before = File.ReadAllText(Record(c.Id));
            var started = _engine.Start(c.Id);
            File.WriteAllText(Record(c.Id), before);   // the Start died between launch and its save
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Running, read.State);
            Assert.Equal(started.Pid, read.Pid);
            Assert.Equal(started.MonitorPid, read.MonitorPid);   // found as the init's parent, `... run`
            Assert.Equal(FakeCgroupDriver.HierarchyCount, Stored(read).CgroupPaths.Count);
            Assert.Equal(143, _engine.Stop(c.Id, TimeSpan.FromSeconds(10)).ExitCode);
            Assert.Empty(_cgroups.ContainerDirectories());
        }

        [Fact]
        public void AStartKilledAfterItsCgroupButBeforeTheLaunchLeavesNoCgroup()
        {
            var c = New();
            Directory.CreateDirectory(RunDir(c.Id));                 // Start makes the run directory first,
            var cg = _cgroups.Create(c.Id, new ResourceLimits());   // then the cgroup: the intent a killed Start left
            Assert.NotEmpty(_cgroups.ContainerDirectories());
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Created, read.State);
            Assert.Empty(_cgroups.ContainerDirectories());
            Assert.Equal(FakeCgroupDriver.HierarchyCount, cg.Directories.Count);
        }

        [Fact]
        public void AStartKilledAfterTheRunExitedReadsAsExited()
        {
            var c = New();
            string before = File.ReadAllText(Record(c.Id));
            var started = _engine.Start(c.Id);
            File.WriteAllText(Record(c.Id), before);
            Syscalls.Kill(started.Pid!.Value, Syscalls.SIGKILL_);
            FakeHelperRunner.WaitGone(started.MonitorPid!.Value);   // it wrote the exit files, then ended
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Exited, read.State);
            Assert.Equal(137, read.ExitCode);
            Assert.Contains("interrupted", read.Error);
            Assert.Empty(_cgroups.ContainerDirectories());
        }

        [Fact]
        public void AFolderWithoutARecordIsCleanedWithItsCgroupAndRunDir()
        {
            var c = Stored(_engine.Start(New().Id));
            File.Delete(Record(c.Id));   // a Remove killed right after deleting the record
            Assert.Empty(_engine.List());
            FakeHelperRunner.WaitGone(c.Pid!.Value);
            Assert.False(Directory.Exists(Path.GetDirectoryName(Record(c.Id))));
            Assert.False(Directory.Exists(RunDir(c.Id)));
            Assert.Empty(_cgroups.ContainerDirectories());
        }

        // ------------------------------------------------------------ failure cleanup

        private void AssertStartLeftNothing(Container c, string recordBefore)
        {
            Assert.Empty(_cgroups.ContainerDirectories());
            Assert.False(Directory.Exists(RunDir(c.Id)), "the run dir of a start that failed");
            Assert.Equal(recordBefore, File.ReadAllText(Record(c.Id)));
            Assert.Equal(ContainerState.Created, _engine.Get(c.Id)!.State);
        }

        [Fact]
        public void AStartWhoseCgroupCannotBeMadeLeavesNothing()
        {
            var c = New();
            string before = File.ReadAllText(Record(c.Id));
            _cgroups.FailCreate = new MiniDockerException("CgroupCreateFailed", FailureKind.WriteError, "no space", c);
            var e = Assert.Throws<MiniDockerException>(() => _engine.Start(c.Id));
            Assert.Equal("CgroupCreateFailed", e.ErrorId);
            Assert.Empty(_helper.Plans);
            AssertStartLeftNothing(c, before);
        }

        [Fact]
        public void AStartTheHelperCannotRunLeavesNothing()
        {
            var c = New();
            string before = File.ReadAllText(Record(c.Id));
            _helper.ThrowOnLaunch = new MiniDockerException("HelperNotFound", FailureKind.NotInstalled, "gone", "mdhelper");
            var e = Assert.Throws<MiniDockerException>(() => _engine.Start(c.Id));
            Assert.Equal("HelperNotFound", e.ErrorId);
            AssertStartLeftNothing(c, before);
        }

        [Fact]
        public void AStartWithoutAHelperSaysSoAndLeavesNothing()
        {
            var c = New();
            string before = File.ReadAllText(Record(c.Id));
            var engine = new ContainerEngine(new EngineOptions
            {
                StateRoot = _engine.Options.StateRoot,
                RunRoot = _engine.Options.RunRoot,
                HelperPath = Path.Combine(_root.Path, "no-such-mdhelper"),
                CgroupDriver = _cgroups,
            });
            var e = Assert.Throws<MiniDockerException>(() => engine.Start(c.Id));
            Assert.Equal("HelperNotFound", e.ErrorId);
            AssertStartLeftNothing(c, before);
        }

        [Theory]
        [InlineData("exec", 2, "/bin/app", "CommandNotFound")]
        [InlineData("exec", 13, "/bin/app", "CommandNotExecutable")]
        [InlineData("cwd", 2, "/srv", "WorkingDirectoryNotFound")]
        [InlineData("mount", 40, "rootfs/proc", "RootFsPathUnusable")]
        [InlineData("rlimit", 1, "7", "UlimitNotPermitted")]
        [InlineData("pivot", 22, "rootfs", "ContainerStartFailed")]
        public void AStepTheHelperReportsFailedBecomesItsErrorAndLeavesNothing(string step, int errno, string argument, string errorId)
        {
            var c = New();
            string before = File.ReadAllText(Record(c.Id));
            _helper.FailAt = (step, errno, argument);
            var e = Assert.Throws<MiniDockerException>(() => _engine.Start(c.Id));
            Assert.Equal(errorId, e.ErrorId);
            Assert.Equal(c.Id, Assert.IsType<Container>(e.Target).Id);
            AssertStartLeftNothing(c, before);
            // The container can still start once the cause is gone.
            _helper.FailAt = null;
            Assert.Equal(ContainerState.Running, _engine.Start(c.Id).State);
        }

        [Fact]
        public void AStartWhoseOutputCannotBeAttachedKillsTheRunAndLeavesNothing()
        {
            var c = New();
            string before = File.ReadAllText(Record(c.Id));
            // The fake monitor makes no attach socket: the engine's connect fails after the init started.
            var e = Assert.Throws<MiniDockerException>(() => _engine.StartAttached(c.Id));
            Assert.Equal("AttachFailed", e.ErrorId);
            var launched = _helper.Reports.Single();
            Assert.True(launched.Ok);
            FakeHelperRunner.WaitGone(launched.MonitorPid);
            FakeHelperRunner.WaitGone(launched.InitPid);
            AssertStartLeftNothing(c, before);
        }
    }
}
