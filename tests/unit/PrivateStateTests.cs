using System;
using System.IO;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class PrivateStateTests : IDisposable
    {
        private const UnixFileMode Mode755 = (UnixFileMode)0x1ED, Mode644 = (UnixFileMode)0x1A4, Mode700 = (UnixFileMode)0x1C0, Mode600 = (UnixFileMode)0x180;
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Create_makes_the_directory_and_its_missing_parents_0700_and_leaves_existing_parents_alone()
        {
            File.SetUnixFileMode(_dir.Path, Mode755);
            string leaf = Path.Combine(_dir.Path, "state", "containers", "id");
            StateDirectory.Create(leaf);
            Assert.Equal(Mode700, File.GetUnixFileMode(Path.Combine(_dir.Path, "state")));
            Assert.Equal(Mode700, File.GetUnixFileMode(Path.Combine(_dir.Path, "state", "containers")));
            Assert.Equal(Mode700, File.GetUnixFileMode(leaf));
            Assert.Equal(Mode755, File.GetUnixFileMode(_dir.Path));
        }

        [Fact]
        public void A_directory_an_older_version_made_0755_is_narrowed_and_a_missing_one_is_not_made()
        {
            string old = _dir.Dir("old");
            File.SetUnixFileMode(old, Mode755);
            StateDirectory.Secure(old);
            Assert.Equal(Mode700, File.GetUnixFileMode(old));
            StateDirectory.Secure(Path.Combine(_dir.Path, "missing"));
            Assert.False(Directory.Exists(Path.Combine(_dir.Path, "missing")));
        }

        [Fact]
        public void Records_are_0600_even_over_a_leftover_0644_temp_file()
        {
            var store = new ContainerStore(Path.Combine(_dir.Path, "containers"));
            var c = new ContainerRecord { Id = new string('c', 64), Name = "secret", Environment = { ["TOKEN"] = "hunter2" } };
            StateDirectory.Create(store.DirectoryOf(c.Id));
            string config = Path.Combine(store.DirectoryOf(c.Id), "config.json");
            _dir.File(Path.Combine("containers", c.Id, "config.json.tmp"), "old", Mode644);
            store.Save(c);
            Assert.Equal(Mode600, File.GetUnixFileMode(config));
            Assert.Equal("hunter2", store.Load(c.Id)!.Environment["TOKEN"]);
        }
    }
}
