using System;
using System.IO;
using MiniDocker.Engine;
using MiniDocker.Engine.Cgroups;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>
    /// Run-state saves skip fsync; what a machine crash can do to such a save (config.json cut short) must cost the run
    /// state only: the record falls back to its last durable version, never to a Dead "unreadable" record.
    /// </summary>
    public sealed class DurableRecordTests : IDisposable
    {
        private readonly TempDirectory _root = new();
        private readonly FakeCgroupTree _tree = new();
        private readonly FakeHelperRunner _helper = new();
        private readonly ContainerEngine _engine;
        private readonly string _rootfs;

        public DurableRecordTests()
        {
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
                CgroupDriver = new FakeCgroupDriver(_tree),
            });
        }

        public void Dispose()
        {
            _helper.Dispose();
            _tree.Dispose();
            _root.Dispose();
        }

        private string Record(string id) => Path.Combine(_engine.Options.ContainersRoot, id, "config.json");
        private string Durable(string id) => Path.Combine(_engine.Options.ContainersRoot, id, "config.durable.json");

        [Fact]
        public void CreateKeepsTheDurableNameStartAndStopDoNot()
        {
            var c = _engine.Create(new ContainerSpec { RootFs = _rootfs, Command = new[] { "/bin/app" }, Name = "keep" });
            Assert.Equal(new FileInfo(Record(c.Id)).Length, new FileInfo(Durable(c.Id)).Length);
            Assert.Equal(File.ReadAllText(Record(c.Id)), File.ReadAllText(Durable(c.Id)));
            _engine.Start(c.Id);
            _engine.Stop(c.Id, TimeSpan.FromSeconds(10));
            // The run-state saves replaced config.json only: the durable name still holds the Created record.
            Assert.Contains("\"Exited\"", File.ReadAllText(Record(c.Id)));
            Assert.Contains("\"Created\"", File.ReadAllText(Durable(c.Id)));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(Record(c.Id))!, "*.tmp"));
        }

        [Fact]
        public void ARecordACrashCutShortFallsBackToTheLastDurableSave()
        {
            var c = _engine.Create(new ContainerSpec { RootFs = _rootfs, Command = new[] { "/bin/app", "x" }, Name = "survivor" });
            _engine.Rename(c.Id, "renamed");   // a durable save after Create: the fallback is the latest one
            _engine.Start(c.Id);
            _engine.Stop(c.Id, TimeSpan.FromSeconds(10));
            // What XFS may leave of a rename whose data was never flushed: the new name, no content.
            File.WriteAllBytes(Record(c.Id), Array.Empty<byte>());
            var read = _engine.Get(c.Id)!;
            Assert.Equal("renamed", read.Name);
            Assert.Equal(new[] { "/bin/app", "x" }, read.Command);
            Assert.Null(read.Error);
            Assert.NotEqual(ContainerState.Dead, read.State);
            // Still a whole container: it starts again and goes away cleanly.
            _engine.Start(c.Id);
            _engine.Remove(c.Id, force: true);
            Assert.False(Directory.Exists(Path.GetDirectoryName(Record(c.Id))));
        }

        [Fact]
        public void ATornRecordWithoutADurableCopyIsStillDeadAndRemovable()
        {
            var c = _engine.Create(new ContainerSpec { RootFs = _rootfs, Command = new[] { "/bin/app" } });
            File.Delete(Durable(c.Id));
            File.WriteAllText(Record(c.Id), "{\"Id\": \"tor");
            var read = _engine.Get(c.Id)!;
            Assert.Equal(ContainerState.Dead, read.State);
            Assert.Contains("unreadable", read.Error);
            _engine.Remove(c.Id, force: true);
            Assert.False(Directory.Exists(Path.GetDirectoryName(Record(c.Id))));
        }
    }
}
