using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The engine's fds are SafeHandles: one an exception path or a caller forgot to dispose is still closed (by its finalizer).</summary>
    public sealed class SafeFdTests : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        /// <summary>This process's fds whose target is TARGET (a path, or a prefix such as "anon_inode:[pidfd]").</summary>
        private static int OpenFds(string target) =>
            Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(f =>
            {
                try { return new FileInfo(f).LinkTarget is string t && t.StartsWith(target, StringComparison.Ordinal); }
                catch (IOException) { return false; }
            });

        private static void Collect()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void LeakLayerDirectory(string root)
        {
            var layer = new LayerDirectory(root);
            layer.Directory("a/b", create: true);   // a cached fd besides the root's
        }

        [Fact]
        public void ALayerDirectoryNeverDisposedClosesItsFds()
        {
            string root = _dir.Dir("layer");
            LeakLayerDirectory(root);
            Assert.True(OpenFds(root) >= 2);
            Collect();
            Assert.Equal(0, OpenFds(root));
        }

        [Fact]
        public void DisposingALayerDirectoryClosesItsFdsAtOnce()
        {
            string root = _dir.Dir("layer");
            var layer = new LayerDirectory(root);
            layer.Directory("a", create: true);
            layer.Directory("a/b", create: true);   // replaces the cached fd: the old one is closed
            Assert.Equal(2, OpenFds(root));
            layer.Dispose();
            Assert.Equal(0, OpenFds(root));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void LeakLock(string path) => Syscalls.LockFile(path);

        [Fact]
        public void ALockNeverDisposedClosesItsFd()
        {
            string path = Path.Combine(_dir.Path, "lock");
            LeakLock(path);
            Assert.Equal(1, OpenFds(path));
            Collect();
            Assert.Equal(0, OpenFds(path));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool LeakPidfd(int pid) => Syscalls.OpenPidfd(pid) != null;

        /// <summary>
        /// This process's pidfds for PID (their fdinfo names it): other tests run in parallel and open and close pidfds of
        /// their own, so counting every pidfd of the process raced with them (seen once in CI).
        /// </summary>
        private static int OpenPidfds(int pid) =>
            Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(f =>
            {
                try
                {
                    return new FileInfo(f).LinkTarget is string t && t.StartsWith("anon_inode:[pidfd]", StringComparison.Ordinal) &&
                        File.ReadLines(Path.Combine("/proc/self/fdinfo", Path.GetFileName(f))).Contains($"Pid:\t{pid}");
                }
                catch (IOException) { return false; }
            });

        [Fact]
        public void APidfdNeverDisposedClosesItsFd()
        {
            using var child = Process.Start(new ProcessStartInfo("/bin/sleep", "30") { UseShellExecute = false })!;
            try
            {
                Assert.Equal(0, OpenPidfds(child.Id));
                Assert.True(LeakPidfd(child.Id));
                Assert.Equal(1, OpenPidfds(child.Id));
                Collect();
                Assert.Equal(0, OpenPidfds(child.Id));
            }
            finally { child.Kill(); }
        }
    }
}
