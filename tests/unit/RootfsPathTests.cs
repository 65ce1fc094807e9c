using System.IO;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class RootfsPathTests : System.IDisposable
    {
        private const UnixFileMode Exec = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        private readonly TempDirectory _root = new();

        public RootfsPathTests()
        {
            _root.File("bin/busybox", "#!", Exec);
            _root.Symlink("bin/sh", "/bin/busybox");
            _root.File("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
            _root.File("etc/readme", "not executable");
        }

        public void Dispose() => _root.Dispose();

        private string In(string relative) => Path.Combine(_root.Path, relative);

        [Fact]
        public void An_absolute_symlink_resolves_inside_the_rootfs()
        {
            Assert.Equal(In("bin/busybox"), RootfsPath.Resolve(_root.Path, "/bin/sh"));
        }

        [Fact]
        public void Dot_dot_stops_at_the_rootfs_root()
        {
            Assert.Equal(In("etc/passwd"), RootfsPath.Resolve(_root.Path, "/../../../../etc/passwd"));
            Assert.Equal(In("etc/passwd"), RootfsPath.Resolve(_root.Path, "/bin/../../etc/./passwd"));
        }

        [Fact]
        public void A_relative_symlink_climbing_out_stays_inside()
        {
            _root.Symlink("bin/up", "../../../../../..");
            Assert.Equal(In("etc/passwd"), RootfsPath.Resolve(_root.Path, "/bin/up/etc/passwd"));
        }

        [Fact]
        public void An_absolute_symlink_to_a_host_path_missing_in_the_rootfs_does_not_resolve_on_the_host()
        {
            // /usr/bin/env exists on the host but not in this rootfs.
            Assert.True(File.Exists("/usr/bin/env"));
            _root.Symlink("bin/env", "/usr/bin/env");
            Assert.Null(RootfsPath.Resolve(_root.Path, "/bin/env"));
        }

        [Fact]
        public void A_missing_path_and_a_symlink_loop_resolve_to_null()
        {
            Assert.Null(RootfsPath.Resolve(_root.Path, "/bin/nothing"));
            _root.Symlink("bin/loop1", "/bin/loop2");
            _root.Symlink("bin/loop2", "/bin/loop1");
            Assert.Null(RootfsPath.Resolve(_root.Path, "/bin/loop1"));
        }

        [Fact]
        public void FindCommand_searches_PATH_and_needs_the_execute_bit()
        {
            Assert.Equal("/bin/sh", RootfsPath.FindCommand(_root.Path, "sh", "/usr/bin:/bin"));
            Assert.Equal("/bin/sh", RootfsPath.FindCommand(_root.Path, "/bin/sh", "/usr/bin"));
            Assert.Null(RootfsPath.FindCommand(_root.Path, "sh", "/usr/bin"));
            Assert.Null(RootfsPath.FindCommand(_root.Path, "/etc/readme", "/bin"));
            Assert.Null(RootfsPath.FindCommand(_root.Path, "/etc", "/bin"));
        }
    }
}
