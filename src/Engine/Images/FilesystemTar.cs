using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Images
{
    /// <summary>Writes directory trees as tar streams: a merged view (export, folder import) or one layer with its whiteouts as OCI .wh. entries (commit).</summary>
    public static class FilesystemTar
    {
        /// <summary>
        /// The merged view of LAYERS (top first) as a tar: what a container sees, without whiteouts. CONTAINERIDS: the
        /// layers are a rootless container's (its ids are written as it saw them); a folder being imported keeps its own.
        /// </summary>
        public static void WriteMerged(IReadOnlyList<string> layersTopFirst, Stream output, bool containerIds = false)
        {
            var fs = new LayeredFilesystem(layersTopFirst);
            using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            var links = new Dictionary<(ulong, ulong), string>();
            var root = fs.Root;
            writer.WriteEntry(Entry(root, "./", TarEntryType.Directory, containerIds));
            Walk(fs, root, writer, links, containerIds);
        }

        private static void Walk(LayeredFilesystem fs, LayeredFilesystem.Node dir, TarWriter writer, Dictionary<(ulong, ulong), string> links, bool containerIds)
        {
            foreach (var name in fs.List(dir))
            {
                if (fs.Child(dir, name) is not LayeredFilesystem.Node node) continue;
                WriteNode(node, writer, links, containerIds);
                if (node.IsDirectory) Walk(fs, node, writer, links, containerIds);
            }
        }

        /// <summary>One layer directory as an OCI layer tar: overlay whiteouts become .wh.NAME, opaque directories get .wh..wh..opq.</summary>
        public static void WriteLayer(string layerDir, Stream output)
        {
            using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            var links = new Dictionary<(ulong, ulong), string>();
            WriteLayerDirectory(layerDir, "", writer, links);
        }

        private static void WriteLayerDirectory(string host, string path, TarWriter writer, Dictionary<(ulong, ulong), string> links)
        {
            var mark = OverlayMarkers.Of(host);
            // A directory the container replaced (rm -rf, then mkdir): without the marker the image would bring the old contents back.
            if (path.Length > 0 && mark == OverlayMarkers.Mark.Opaque)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path + "/" + OverlayMarkers.OpaqueMarker) { ModificationTime = DateTimeOffset.UnixEpoch });
            var whitedOut = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in Directory.EnumerateFileSystemEntries(host).OrderBy(e => e, StringComparer.Ordinal))
            {
                string name = Path.GetFileName(entry);
                string rel = path.Length == 0 ? name : path + "/" + name;
                if (LayeredFilesystem.Lstat(entry) is not stat st) continue;
                var node = new LayeredFilesystem.Node(rel, new[] { entry }, st);
                if (OverlayMarkers.Hides(entry, name, st, mark) is string hidden)
                {
                    // A fixed mtime (not the default "now"): the same layer always makes the same tar, so a push of it is skipped.
                    if (hidden.Length > 0 && whitedOut.Add(hidden))
                        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, (path.Length == 0 ? "" : path + "/") + OverlayMarkers.WhiteoutPrefix + hidden) { ModificationTime = DateTimeOffset.UnixEpoch });
                    continue;
                }
                WriteNode(node, writer, links, containerIds: true);   // the engine's own layers and upper dirs only
                if (node.IsDirectory) WriteLayerDirectory(entry, rel, writer, links);
            }
        }

        private static void WriteNode(LayeredFilesystem.Node node, TarWriter writer, Dictionary<(ulong, ulong), string> links, bool containerIds)
        {
            var st = node.Stat;
            switch (node.Type)
            {
                case LayerDirectory.S_IFDIR:
                    writer.WriteEntry(Entry(node, node.Path + "/", TarEntryType.Directory, containerIds));
                    break;
                case LayerDirectory.S_IFLNK:
                    var link = Entry(node, node.Path, TarEntryType.SymbolicLink, containerIds);
                    link.LinkName = new FileInfo(node.HostPath).LinkTarget ?? "";
                    writer.WriteEntry(link);
                    break;
                case LayerDirectory.S_IFREG:
                    var key = ((ulong)st.st_dev, (ulong)st.st_ino);
                    if (st.st_nlink > 1 && links.TryGetValue(key, out var first))
                    {
                        var hard = Entry(node, node.Path, TarEntryType.HardLink, containerIds);
                        hard.LinkName = first;
                        writer.WriteEntry(hard);
                        break;
                    }
                    if (st.st_nlink > 1) links[key] = node.Path;
                    var file = Entry(node, node.Path, TarEntryType.RegularFile, containerIds);
                    using (var data = OpenNoFollow(node.HostPath))
                    {
                        file.DataStream = data;
                        writer.WriteEntry(file);
                    }
                    break;
                case LayerDirectory.S_IFIFO:
                    writer.WriteEntry(Entry(node, node.Path, TarEntryType.Fifo, containerIds));
                    break;
                case LayerDirectory.S_IFCHR:
                case 0x6000: // S_IFBLK
                    var dev = Entry(node, node.Path, node.Type == LayerDirectory.S_IFCHR ? TarEntryType.CharacterDevice : TarEntryType.BlockDevice, containerIds);
                    ulong rdev = st.st_rdev;
                    dev.DeviceMajor = (int)(((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffUL));
                    dev.DeviceMinor = (int)((rdev & 0xff) | ((rdev >> 12) & ~0xffUL));
                    writer.WriteEntry(dev);
                    break;
            }
        }

        private static PaxTarEntry Entry(LayeredFilesystem.Node node, string name, TarEntryType type, bool containerIds)
        {
            var st = node.Stat;
            return new PaxTarEntry(type, name)
            {
                Mode = (UnixFileMode)((int)st.st_mode & 0xFFF),
                // Rootless: the ids the container saw, not the host's subordinate ones (an image holds container ids).
                Uid = (int)(containerIds ? Rootless.IdShift.ToContainerUid((uint)st.st_uid) : (uint)st.st_uid),
                Gid = (int)(containerIds ? Rootless.IdShift.ToContainerGid((uint)st.st_gid) : (uint)st.st_gid),
                ModificationTime = DateTimeOffset.FromUnixTimeSeconds(st.st_mtim.tv_sec).AddTicks(st.st_mtim.tv_nsec / 100),
            };
        }

        /// <summary>Opens a regular file for reading without following a symlink (a running container may swap one in).</summary>
        private static unsafe FileStream OpenNoFollow(string path)
        {
            byte[] p = LayerDirectory.Name(path);
            int fd;
            fixed (byte* pp = p) fd = open(pp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
            if (fd < 0) throw LayerDirectory.Failure("open", path, errno);
            return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle((IntPtr)fd, ownsHandle: true), FileAccess.Read, 1 << 16);
        }
    }
}
