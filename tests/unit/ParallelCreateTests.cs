using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MiniDocker.Engine;
using MiniDocker.Engine.Containers;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>
    /// New writes its fsync'd record after the store lock, holding only its container's lock (issue 15: parallel
    /// creates queued behind each other's fsync). A name must still have exactly one owner.
    /// </summary>
    public sealed class ParallelCreateTests : IDisposable
    {
        private readonly TempDirectory _root = new();
        private readonly FakeCgroupTree _tree = new();
        private readonly FakeHelperRunner _helper = new();
        private readonly ContainerEngine _engine;
        private readonly string _rootfs;

        public ParallelCreateTests()
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

        private ContainerSpec Spec(string? name) => new() { RootFs = _rootfs, Command = new[] { "/bin/app" }, Name = name };

        private string[] RecordIds() =>
            Directory.EnumerateDirectories(_engine.Options.ContainersRoot).Select(Path.GetFileName).Where(n => n!.Length == 64 && File.Exists(Path.Combine(_engine.Options.ContainersRoot, n, "config.json"))).ToArray()!;

        [Fact]
        public void SixteenThreadsCreatingOneNameLeaveOneContainerWithIt()
        {
            var errors = new ConcurrentBag<string>();
            var made = new ConcurrentBag<Container>();
            using var go = new Barrier(16);
            var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
            {
                go.SignalAndWait();
                try { made.Add(_engine.Create(Spec("web"))); }
                catch (MiniDockerException e) { errors.Add(e.ErrorId); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Single(made);
            Assert.Equal(15, errors.Count);
            Assert.All(errors, id => Assert.Equal("ContainerNameInUse", id));
            Assert.Equal(new[] { made.Single().Id }, RecordIds());
            Assert.Equal(made.Single().Id, _engine.GetByName("web")?.Id);
        }

        [Fact]
        public void NamesOfManyParallelCreatesAreAllDistinctAndIndexed()
        {
            var made = new ConcurrentBag<Container>();
            Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => made.Add(_engine.Create(Spec(i % 2 == 0 ? $"c{i}" : null))));
            Assert.Equal(24, made.Select(c => c.Name).Distinct().Count());
            Assert.Equal(made.Select(c => c.Id).OrderBy(x => x), RecordIds().OrderBy(x => x));
            foreach (var c in made) Assert.Equal(c.Id, _engine.GetByName(c.Name)?.Id);
        }

        [Fact]
        public void ANameWhoseNewIsStillWritingItsRecordIsInUse()
        {
            // The index exists (a first New builds it), as it does for every store but a brand-new one.
            _engine.Remove(_engine.Create(Spec("first")).Id, force: false);
            var store = new ContainerStore(_engine.Options.ContainersRoot, _engine.Options.RunContainersRoot);
            // Another New, stopped between its claim of "web" and its record: its folder, its lock held, the name entry.
            string id = new string('a', 64);
            Directory.CreateDirectory(store.DirectoryOf(id));
            var pending = store.Lock(id);
            File.CreateSymbolicLink(Path.Combine(store.Root, ".names", "web"), id);

            var second = Task.Run(() => _engine.Create(Spec("web")));
            // Long enough that a New which took the entry for a killed New's has claimed it and written its record
            // already (it did before the fix); with the fix it waits on the lock whatever the time.
            Thread.Sleep(300);
            store.Save(new ContainerRecord { Id = id, Name = "web", State = ContainerState.Created, Created = DateTime.UtcNow, Command = new[] { "/bin/app" } });
            pending.Dispose();

            var e = Assert.Throws<MiniDockerException>(() => second.GetAwaiter().GetResult());
            Assert.Equal("ContainerNameInUse", e.ErrorId);
            Assert.Equal(new[] { id }, RecordIds());
            Assert.Equal(id, new FileInfo(Path.Combine(store.Root, ".names", "web")).LinkTarget);
        }

        [Fact]
        public void ANameLeftByAKilledNewIsFreeOnceItsLockIsGone()
        {
            _engine.Remove(_engine.Create(Spec("first")).Id, force: false);
            var store = new ContainerStore(_engine.Options.ContainersRoot, _engine.Options.RunContainersRoot);
            // Killed between claim and record: folder and entry stay, nobody holds the lock.
            string id = new string('b', 64);
            Directory.CreateDirectory(store.DirectoryOf(id));
            File.CreateSymbolicLink(Path.Combine(store.Root, ".names", "web"), id);

            var c = _engine.Create(Spec("web"));
            Assert.Equal("web", c.Name);
            Assert.Equal(c.Id, _engine.GetByName("web")?.Id);
        }
    }
}
