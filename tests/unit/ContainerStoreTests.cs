using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class ContainerStoreTests : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly ContainerStore _store;

        public ContainerStoreTests() => _store = new ContainerStore(Path.Combine(_dir.Path, "containers"));

        public void Dispose() => _dir.Dispose();

        private ContainerRecord NewContainer(char fill = 'a')
        {
            var c = new ContainerRecord
            {
                Id = new string(fill, 64),
                Name = "web-1",
                State = ContainerState.Running,
                RootFs = "/srv/rootfs",
                Command = new[] { "sh", "-c", "echo 'quoted' \"too\"" },
                Environment = new Dictionary<string, string> { ["A"] = "1" },
                Created = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
                Pid = 1234,
                PidStartTime = 987654321UL,
                ExitCode = 137,
                OomKilled = true,
                CgroupPaths = new List<string> { "/sys/fs/cgroup/memory/minidocker/x" },
            };
            c.Limits.MemoryBytes = 64 << 20;
            Directory.CreateDirectory(_store.DirectoryOf(c.Id));
            return c;
        }

        [Fact]
        public void Save_then_load_round_trips_every_field_and_writes_the_state_by_name()
        {
            var c = NewContainer();
            _store.Save(c);
            var back = _store.Load(c.Id)!;
            Assert.Equal(c.Name, back.Name);
            Assert.Equal(ContainerState.Running, back.State);
            Assert.Equal(c.Command, back.Command);
            Assert.Equal("1", back.Environment["A"]);
            Assert.Equal(c.Created, back.Created.ToUniversalTime());
            Assert.Equal(987654321UL, back.PidStartTime);
            Assert.Equal(137, back.ExitCode);
            Assert.True(back.OomKilled);
            Assert.Equal(64L << 20, back.Limits.MemoryBytes);
            Assert.Equal(ResourceLimits.DefaultPidsLimit, back.Limits.PidsLimit);
            Assert.Equal(c.CgroupPaths, back.CgroupPaths);
            Assert.Contains("\"State\": \"Running\"", File.ReadAllText(Path.Combine(_store.DirectoryOf(c.Id), "config.json")));
        }

        [Fact]
        public void Save_replaces_the_record_whole_and_leaves_no_temp_file()
        {
            var c = NewContainer();
            _store.Save(c);
            c.State = ContainerState.Exited;
            c.Name = "renamed";
            _store.Save(c);
            Assert.Equal(ContainerState.Exited, _store.Load(c.Id)!.State);
            // The record and the second name of its durable version (see ContainerStore.SaveState); no temp file.
            Assert.Equal(new[] { "config.durable.json", "config.json" }, Directory.GetFiles(_store.DirectoryOf(c.Id)).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void A_torn_temp_file_from_a_crashed_save_does_not_affect_load()
        {
            var c = NewContainer();
            _store.Save(c);
            File.WriteAllText(Path.Combine(_store.DirectoryOf(c.Id), "config.json.tmp"), "{\"Id\": \"trunc");
            Assert.Equal("web-1", _store.Load(c.Id)!.Name);
        }

        [Fact]
        public void Load_of_an_unknown_id_is_null_and_Ids_lists_only_saved_containers()
        {
            Assert.Null(_store.Load(new string('f', 64)));
            Assert.Empty(_store.Ids());
            _store.Save(NewContainer('a'));
            NewContainer('b');                                    // a directory without config.json
            Directory.CreateDirectory(Path.Combine(_store.Root, "not-an-id"));
            Assert.Equal(new[] { new string('a', 64) }, _store.Ids());
        }

        [Fact]
        public async System.Threading.Tasks.Task A_locker_that_waited_on_a_removed_container_gets_a_fresh_lock_and_leaves_no_file()
        {
            var c = NewContainer();
            _store.Save(c);
            var held = _store.Lock(c.Id);
            var waiter = System.Threading.Tasks.Task.Run(() => { using (_store.Lock(c.Id)) return _store.Load(c.Id); });
            System.Threading.Thread.Sleep(100);
            Assert.False(waiter.IsCompleted);
            // What Remove does while holding the lock: the folder goes, then the lock file.
            Directory.Delete(_store.DirectoryOf(c.Id), recursive: true);
            _store.DeleteLock(c.Id);
            held.Dispose();
            Assert.Null(await waiter);
            Assert.False(Directory.Exists(_store.DirectoryOf(c.Id)));
            Assert.Empty(Directory.GetFiles(_store.LocksRoot));
        }

        [Fact]
        public void OrphanIds_are_container_folders_without_a_record()
        {
            var c = NewContainer('a');
            _store.Save(c);
            NewContainer('b');
            Directory.CreateDirectory(Path.Combine(_store.Root, "not-an-id"));
            Assert.Equal(new[] { new string('b', 64) }, _store.OrphanIds());
        }

        [Fact]
        public void A_failed_atomic_write_leaves_no_temp_file()
        {
            string target = Path.Combine(_dir.Path, "record");
            Directory.CreateDirectory(target);   // the rename onto a directory fails
            Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(target, "{}"));
            Assert.False(File.Exists(target + ".tmp"));
        }

        [Fact]
        public void MountPointOf_is_the_longest_mount_holding_the_path()
        {
            Assert.Equal("/proc", ContainerStore.MountPointOf("/proc/self/status"));
            Assert.Equal("/", ContainerStore.MountPointOf("/"));
        }

        [Fact]
        public void Lock_creates_the_lock_file_and_is_released_on_dispose()
        {
            var c = NewContainer();
            using (_store.Lock(c.Id)) Assert.True(File.Exists(Path.Combine(_store.LocksRoot, c.Id)));
            using (_store.Lock(c.Id)) { } // would block forever if the first lock were still held
            using (_store.Lock()) Assert.True(File.Exists(Path.Combine(_store.Root, ".lock")));
        }

        [Theory]
        [InlineData("web")]
        [InlineData("a")]
        [InlineData("Web_1.prod-2")]
        [InlineData("9lives")]
        public void Accepts_valid_names(string name) => ContainerStore.ValidateName(name);

        [Theory]
        [InlineData("")]
        [InlineData("-leading-dash")]
        [InlineData(".hidden")]
        [InlineData("a/b")]
        [InlineData("a b")]
        [InlineData("..")]
        [InlineData("ünï")]
        [InlineData("x\n")]
        public void Rejects_invalid_names_with_InvalidContainerName(string name)
        {
            var e = Assert.Throws<MiniDockerException>(() => ContainerStore.ValidateName(name));
            Assert.Equal("InvalidContainerName", e.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, e.Kind);
            Assert.Equal(name, e.Target);
        }

        [Fact]
        public void Names_are_at_most_128_characters()
        {
            ContainerStore.ValidateName(new string('n', 128));
            Assert.Throws<MiniDockerException>(() => ContainerStore.ValidateName(new string('n', 129)));
        }
    }
}
