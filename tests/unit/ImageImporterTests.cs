using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MiniDocker.Engine;
using MiniDocker.Engine.Images;
using Xunit;

namespace MiniDocker.Tests
{
    /// <summary>Image import from archives the test makes in memory: rootfs tarballs, docker save, OCI layouts, and hostile entries.</summary>
    public sealed class ImageImporterTests : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly ImageStore _store;
        private readonly List<string> _warnings = new();

        public ImageImporterTests()
        {
            _store = new ImageStore(_dir.Dir("state"));
            Directory.CreateDirectory(_store.ImagesDir);
            Directory.CreateDirectory(_store.LayersDir);
        }

        public void Dispose() => _dir.Dispose();

        private Image Import(string path) => new ImageImporter(_store, new LayerExtractor(_warnings.Add), null).Import(path);

        private MiniDockerException Refused(string path) => Assert.Throws<MiniDockerException>(() => Import(path));

        /// <summary>Entries: "name" (directory when it ends in /), "name=content" (file), "name->target" (symlink), "name=>target" (hard link).</summary>
        private static byte[] Tar(params string[] entries)
        {
            var ms = new MemoryStream();
            using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
                foreach (var spec in entries)
                {
                    PaxTarEntry e;
                    if (spec.Contains("=>")) { var p = spec.Split("=>"); e = new PaxTarEntry(TarEntryType.HardLink, p[0]) { LinkName = p[1] }; }
                    else if (spec.Contains("->")) { var p = spec.Split("->"); e = new PaxTarEntry(TarEntryType.SymbolicLink, p[0]) { LinkName = p[1] }; }
                    else if (spec.Contains('=')) { var p = spec.Split('=', 2); e = new PaxTarEntry(TarEntryType.RegularFile, p[0]) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(p[1])) }; }
                    else e = new PaxTarEntry(TarEntryType.Directory, spec);
                    e.Mode = (UnixFileMode)0x1ed;
                    w.WriteEntry(e);
                }
            return ms.ToArray();
        }

        private static byte[] Gzip(byte[] b)
        {
            var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(b);
            return ms.ToArray();
        }

        private static string Sha(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

        private string Write(string name, byte[] content)
        {
            string p = Path.Combine(_dir.Path, name);
            File.WriteAllBytes(p, content);
            return p;
        }

        private string Layer(Image image, int i) => _store.LayerPath(image.Layers[i].DiffId);

        private static readonly byte[] Base = Tar("bin/", "bin/busybox=BUSYBOX", "bin/sh->/bin/busybox", "etc/", "etc/os-release=ID=test\n");
        private static readonly byte[] Top = Tar("etc/", "etc/os-release=ID=top\n", "etc/.wh.removed=", "app/", "app/run=echo\n");

        private static byte[] ConfigJson(params byte[][] layers) => JsonSerializer.SerializeToUtf8Bytes(new
        {
            created = "2024-05-01T10:00:00Z",
            config = new { Env = new[] { "PATH=/bin", "MODE=test" }, Cmd = new[] { "/bin/sh" }, WorkingDir = "/app", User = "1000" },
            rootfs = new { type = "layers", diff_ids = layers.Select(l => "sha256:" + Sha(l)).ToArray() },
        });

        private static byte[] Archive(params (string Name, byte[] Content)[] files)
        {
            var ms = new MemoryStream();
            using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
                foreach (var (name, content) in files)
                    w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0x1a4 });
            return ms.ToArray();
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ARootfsTarballIsOneLayerWithItsAbsoluteSymlinksKept(bool gzip)
        {
            var image = Import(Write(gzip ? "rootfs.tar.gz" : "rootfs.tar", gzip ? Gzip(Base) : Base));
            Assert.Equal(Sha(Base), image.Layers.Single().DiffId);   // the diff id is the uncompressed tar's digest
            string layer = Layer(image, 0);
            Assert.Equal("BUSYBOX", File.ReadAllText(Path.Combine(layer, "bin/busybox")));
            Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(layer, "bin/sh")).LinkTarget);
            Assert.Empty(Directory.EnumerateDirectories(_store.LayersDir, ".tmp-*"));
        }

        [Fact]
        public void ADockerSaveArchiveKeepsItsLayersInOrderAndItsConfig()
        {
            byte[] config = ConfigJson(Base, Top);
            string manifest = JsonSerializer.Serialize(new[] { new { Config = "cfg.json", RepoTags = new[] { "test:1" }, Layers = new[] { "l1/layer.tar", "l2/layer.tar" } } });
            var image = Import(Write("saved.tar", Archive(("manifest.json", Encoding.UTF8.GetBytes(manifest)), ("cfg.json", config), ("l1/layer.tar", Base), ("l2/layer.tar", Top))));
            Assert.Equal(Sha(config), image.Id);
            Assert.Equal(new[] { Sha(Base), Sha(Top) }, image.Layers.Select(l => l.DiffId));
            Assert.Equal(new[] { "/bin/sh" }, image.Config.Cmd);
            Assert.Equal("/app", image.Config.WorkingDir);
            Assert.Equal("1000", image.Config.User);
            Assert.Contains("MODE=test", image.Config.Env!);
            Assert.Equal("ID=top\n", File.ReadAllText(Path.Combine(Layer(image, 1), "etc/os-release")));
            Assert.True(LayerDirectory.IsWhiteout(LayeredFilesystem.Lstat(Path.Combine(Layer(image, 1), "etc/removed"))!.Value));
        }

        [Fact]
        public void AnOciLayoutFolderPicksLinuxAmd64FromAMultiPlatformIndex()
        {
            string oci = _dir.Dir("oci");
            Directory.CreateDirectory(Path.Combine(oci, "blobs/sha256"));
            string Blob(byte[] b) { File.WriteAllBytes(Path.Combine(oci, "blobs/sha256", Sha(b)), b); return "sha256:" + Sha(b); }
            byte[] config = ConfigJson(Base);
            byte[] layerGz = Gzip(Base);
            byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(new
            {
                schemaVersion = 2,
                config = new { mediaType = "application/vnd.oci.image.config.v1+json", digest = Blob(config), size = config.Length },
                layers = new[] { new { mediaType = "application/vnd.oci.image.layer.v1.tar+gzip", digest = Blob(layerGz), size = layerGz.Length } },
            });
            byte[] armManifest = Encoding.UTF8.GetBytes("{\"schemaVersion\": 2, \"config\": {\"digest\": \"sha256:" + new string('0', 64) + "\"}, \"layers\": []}");
            byte[] nested = JsonSerializer.SerializeToUtf8Bytes(new
            {
                schemaVersion = 2,
                manifests = new object[]
                {
                    new { digest = Blob(armManifest), platform = new { architecture = "arm64", os = "linux" } },
                    new { digest = Blob(manifest), platform = new { architecture = "amd64", os = "linux" } },
                },
            });
            File.WriteAllText(Path.Combine(oci, "oci-layout"), "{\"imageLayoutVersion\": \"1.0.0\"}");
            File.WriteAllBytes(Path.Combine(oci, "index.json"), JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, manifests = new[] { new { digest = Blob(nested) } } }));
            var image = Import(oci);
            Assert.Equal(Sha(config), image.Id);
            Assert.Equal(Sha(Base), image.Layers.Single().DiffId);
            Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(Layer(image, 0), "bin/sh")).LinkTarget);
        }

        [Fact]
        public void ALayerWhoseDigestIsNotTheConfigsIsRefusedAndNotKept()
        {
            byte[] config = ConfigJson(Top);   // says Top, carries Base
            string manifest = JsonSerializer.Serialize(new[] { new { Config = "cfg.json", Layers = new[] { "l/layer.tar" } } });
            var e = Refused(Write("forged.tar", Archive(("manifest.json", Encoding.UTF8.GetBytes(manifest)), ("cfg.json", config), ("l/layer.tar", Base))));
            Assert.Equal("ImageLayerDigestMismatch", e.ErrorId);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_store.LayersDir));
        }

        [Theory]
        [InlineData("[{\"Config\": \"cfg.json\", \"Layers\": [\"../../etc/passwd\"]}]")]
        [InlineData("[{\"Layers\": []}]")]
        [InlineData("{\"Config\": 1}")]
        [InlineData("not json")]
        public void ABadManifestIsAnInvalidArchive(string manifest)
        {
            var e = Refused(Write("bad.tar", Archive(("manifest.json", Encoding.UTF8.GetBytes(manifest)), ("cfg.json", ConfigJson(Base)))));
            Assert.Equal("ImageArchiveInvalid", e.ErrorId);
            Assert.Empty(Directory.EnumerateFileSystemEntries(_store.LayersDir));
        }

        [Fact]
        public void AnOciBlobNamedByAPathNotADigestIsRefused()
        {
            string oci = _dir.Dir("oci");
            File.WriteAllText(Path.Combine(oci, "oci-layout"), "{}");
            File.WriteAllText(Path.Combine(oci, "index.json"), "{\"manifests\": [{\"digest\": \"sha256:../../../etc/passwd\"}]}");
            Assert.Equal("ImageArchiveInvalid", Refused(oci).ErrorId);
        }

        // ------------------------------------------------------------ hostile entries

        [Theory]
        [InlineData("../escaped=x")]
        [InlineData("a/../../escaped=x")]
        public void AnEntryClimbingOutIsRefusedAndNothingIsImported(string entry)
        {
            var e = Refused(Write("evil.tar", Tar("a/", "a/ok=fine", entry)));
            Assert.Equal("ImageEntryUnsafe", e.ErrorId);
            Assert.False(File.Exists(Path.Combine(_store.LayersDir, "..", "escaped")));
            Assert.False(File.Exists(Path.Combine(_dir.Path, "escaped")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(_store.LayersDir));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void AWriteThroughASymlinkOutIsRefusedAndWritesNothingOutside(bool absolute)
        {
            string outside = _dir.Dir("outside");
            string target = absolute ? outside : "../../../../../../../.." + outside;
            var e = Refused(Write("evil.tar", Tar("link->" + target, "link/pwned=x")));
            Assert.StartsWith("ImageEntry", e.ErrorId);
            Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
            Assert.Empty(Directory.EnumerateFileSystemEntries(_store.LayersDir));
        }

        [Fact]
        public void AHardLinkToAHostFileNeverLinksIt()
        {
            string secret = _dir.File("secret", "host secret");
            // An absolute target names the layer's own path (missing there); a relative one may not climb out.
            foreach (var link in new[] { "etc/shadow=>" + secret, "etc/up=>../../../../../../.." + secret })
            {
                var e = Assert.Throws<MiniDockerException>(() => Import(Write("evil.tar", Tar("etc/", link))));
                Assert.StartsWith("ImageEntry", e.ErrorId);
                Assert.Equal(1UL, LinkCount(secret));
                Assert.Empty(Directory.EnumerateFileSystemEntries(_store.LayersDir));
            }
        }

        private static ulong LinkCount(string path) => (ulong)LayeredFilesystem.Lstat(path)!.Value.st_nlink;

        [Fact]
        public void AFolderIsImportedAsOneLayer()
        {
            string folder = _dir.Dir("tree");
            _dir.File("tree/bin/app", "APP");
            _dir.Symlink("tree/bin/sh", "/bin/app");
            var image = Import(folder);
            string layer = Layer(image, 0);
            Assert.Equal("APP", File.ReadAllText(Path.Combine(layer, "bin/app")));
            Assert.Equal("/bin/app", new FileInfo(Path.Combine(layer, "bin/sh")).LinkTarget);
        }
    }
}
