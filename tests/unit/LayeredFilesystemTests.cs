using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text;
using MiniDocker.Engine.Images;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>The merged view of layers the extractor made (real whiteouts and opaque xattrs), without a mount.</summary>
    public sealed class LayeredFilesystemTests : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly string _base, _top;
        private readonly LayeredFilesystem _fs;

        public LayeredFilesystemTests()
        {
            _base = Extract("base", "bin/", "bin/sh=base sh", "etc/", "etc/old=old", "etc/keep=k", "usr/", "usr/lib/", "usr/lib/a=a",
                "gone=bye", "dir2file/", "dir2file/inner=i", "file2dir=f");
            _top = Extract("top", "bin/", "bin/sh=top sh", "etc/", "etc/.wh..wh..opq=", "etc/new=n", "usr/", "usr/lib/", "usr/lib/b=b",
                ".wh.gone=", "dir2file=now a file", "file2dir/", "file2dir/x=x");
            _fs = new LayeredFilesystem(new[] { _top, _base });
        }

        public void Dispose() => _dir.Dispose();

        private string Extract(string name, params string[] entries)
        {
            var ms = new MemoryStream();
            using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
                foreach (var spec in entries)
                {
                    var p = spec.Split('=', 2);
                    var e = p.Length == 2
                        ? new PaxTarEntry(TarEntryType.RegularFile, p[0]) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(p[1])) }
                        : new PaxTarEntry(TarEntryType.Directory, p[0]);
                    e.Mode = (UnixFileMode)0x1ed;
                    w.WriteEntry(e);
                }
            ms.Position = 0;
            string dir = _dir.Dir(name);
            new LayerExtractor().Extract(ms, dir, name + ".tar");
            return dir;
        }

        private LayeredFilesystem.Node? At(string path)
        {
            var node = _fs.Root;
            foreach (var part in path.Split('/'))
                if ((node = _fs.Child(node!, part)!) == null) return null;
            return node;
        }

        [Fact]
        public void TheTopFileWins() => Assert.Equal(Path.Combine(_top, "bin/sh"), At("bin/sh")!.HostPath);

        [Fact]
        public void AWhiteoutHidesTheLowerFile()
        {
            Assert.Null(At("gone"));
            Assert.DoesNotContain("gone", _fs.List(_fs.Root));
            Assert.DoesNotContain(".wh.gone", _fs.List(_fs.Root));
        }

        [Fact]
        public void AnOpaqueDirectoryHidesTheLowerContents()
        {
            Assert.Equal(new[] { "new" }, _fs.List(At("etc")!));
            Assert.Null(At("etc/old"));
            Assert.Single(At("etc")!.HostPaths);
        }

        [Fact]
        public void DirectoriesMerge()
        {
            var lib = At("usr/lib")!;
            Assert.Equal(new[] { Path.Combine(_top, "usr/lib"), Path.Combine(_base, "usr/lib") }, lib.HostPaths);
            Assert.Equal(new[] { "a", "b" }, _fs.List(lib));
        }

        [Fact]
        public void AFileOverADirectoryAndADirectoryOverAFileHideWhatIsBelow()
        {
            Assert.False(At("dir2file")!.IsDirectory);
            Assert.Null(_fs.Child(At("dir2file")!, "inner"));
            var dir = At("file2dir")!;
            Assert.True(dir.IsDirectory);
            Assert.Single(dir.HostPaths);
            Assert.Equal(new[] { "x" }, _fs.List(dir));
        }

        private static Dictionary<string, string?> ReadTar(Action<Stream> write)
        {
            var ms = new MemoryStream();
            write(ms);
            ms.Position = 0;
            var result = new Dictionary<string, string?>();
            using var r = new TarReader(ms);
            while (r.GetNextEntry() is TarEntry e)
                result[e.Name.TrimEnd('/')] = e.DataStream is Stream s ? new StreamReader(s).ReadToEnd() : null;
            return result;
        }

        [Fact]
        public void TheMergedTarIsWhatAContainerSees()
        {
            var tar = ReadTar(s => FilesystemTar.WriteMerged(new[] { _top, _base }, s));
            Assert.Equal("top sh", tar["bin/sh"]);
            Assert.Equal("now a file", tar["dir2file"]);
            Assert.Contains("usr/lib/a", tar.Keys);
            Assert.Contains("usr/lib/b", tar.Keys);
            Assert.DoesNotContain("gone", tar.Keys);
            Assert.DoesNotContain("etc/old", tar.Keys);
            Assert.DoesNotContain("dir2file/inner", tar.Keys);
            Assert.DoesNotContain(tar.Keys, k => k.Contains(".wh."));
        }

        [Fact]
        public void ALayerTarCarriesItsWhiteoutsTheOciWay()
        {
            var tar = ReadTar(s => FilesystemTar.WriteLayer(_top, s));
            Assert.Contains(".wh.gone", tar.Keys);
            Assert.Contains("etc/.wh..wh..opq", tar.Keys);
            Assert.DoesNotContain("gone", tar.Keys);
            // And it round-trips: extracted again, the same merged view.
            var ms = new MemoryStream();
            FilesystemTar.WriteLayer(_top, ms);
            ms.Position = 0;
            string again = _dir.Dir("again");
            new LayerExtractor().Extract(ms, again, "again.tar");
            var fs = new LayeredFilesystem(new[] { again, _base });
            Assert.Equal(_fs.List(_fs.Root), fs.List(fs.Root));
            Assert.True(LayeredFilesystem.IsOpaque(Path.Combine(again, "etc")));
        }
    }
}
