using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Images
{
    /// <summary>
    /// Extracts one layer tar (plain or gzip) into an empty directory. This is hostile-input code:
    /// every entry is written through <see cref="LayerDirectory"/> (openat2 RESOLVE_IN_ROOT), so absolute
    /// paths and symlinks resolve inside the layer; ".." components, names longer than the kernel allows,
    /// hardlinks to missing targets, non-tar input and truncated archives are refused with a specific
    /// ErrorId. Ownership, modes (setuid kept: see docs/images.md), mtimes, security.capability and
    /// hardlinks within the layer are preserved. OCI whiteouts (.wh.NAME, .wh..wh..opq) become
    /// overlayfs whiteouts (char 0/0) and opaque directories (overlay.opaque=y: trusted. as root, user. rootless).
    /// Device nodes other than whiteouts are skipped (reported through WARN): the engine gives each
    /// container its own /dev, and a device node in a layer would bypass it.
    /// </summary>
    public sealed class LayerExtractor
    {
        private const string WhiteoutPrefix = ".wh.", OpaqueMarker = ".wh..wh..opq";
        private const int MaxName = 255, MaxPath = 4095;
        private readonly byte[] _buffer = new byte[1 << 20];
        private readonly Action<string>? _warn;
        private readonly CancellationToken _token;
        private readonly List<(string Path, DateTimeOffset Mtime)> _directoryTimes = new();
        // Rootless with a subordinate range: the image's owners, given to the files after extraction (IdShift).
        private Dictionary<string, (uint Uid, uint Gid, int Mode)>? _owners;

        public LayerExtractor(Action<string>? warn = null, CancellationToken token = default)
        {
            _warn = warn;
            _token = token;
        }

        /// <summary>Extracts INPUT into LAYERDIR (which must exist and be empty); SOURCE names the input in errors.</summary>
        public LayerDigest Extract(Stream input, string layerDir, string source)
        {
            var tar = new TarStream(Decompressed(input, source));
            long size = 0;
            _lastEntry = null;
            _directoryTimes.Clear();
            _owners = Rootless.IdShift.Applies ? new Dictionary<string, (uint, uint, int)>(StringComparer.Ordinal) : null;
            using var dir = new LayerDirectory(layerDir);
            using (var reader = new TarReader(tar, leaveOpen: true))
            {
                while (Next(reader, source) is TarEntry entry)
                {
                    _token.ThrowIfCancellationRequested();
                    size += Apply(dir, entry, source);
                }
            }
            if (!tar.EndedWithZeroBlock)
                throw Invalid(source, "it ends without the tar end-of-archive marker (truncated?)");
            try { while (tar.Read(_buffer, 0, _buffer.Length) > 0) { } }   // trailing padding belongs to the digest
            catch (Exception e) when (IsFormatError(e)) { throw Invalid(source, e.Message); }
            foreach (var (path, mtime) in _directoryTimes) SetTimes(dir, path, mtime);
            if (_owners is { Count: > 0 })
                Rootless.IdShift.Chown(layerDir, System.Linq.Enumerable.ToList(System.Linq.Enumerable.Select(_owners, kv => (kv.Key, kv.Value.Uid, kv.Value.Gid, kv.Value.Mode))), source);
            return new LayerDigest(tar.Digest(), size);
        }

        /// <summary>gzip and zstd are recognised by their magic; anything else is read as a plain tar.</summary>
        public static Stream Decompressed(Stream raw, string source)
        {
            var head = new byte[4];
            int n = raw.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            var whole = new PrefixedStream(head.AsSpan(0, n).ToArray(), raw);
            if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) return new GZipStream(whole, CompressionMode.Decompress);
            if (n == 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
                return new ZstdSharp.DecompressionStream(whole);
            return whole;
        }

        private string? _lastEntry;

        private TarEntry? Next(TarReader reader, string source)
        {
            try
            {
                var e = reader.GetNextEntry(copyData: false);
                _lastEntry = e?.Name;
                return e;
            }
            catch (Exception e) when (IsFormatError(e)) { throw Invalid(source, WhyHeaderInvalid(e, _lastEntry)); }
        }

        /// <summary>
        /// What a header error means: .NET says only "Unable to parse number." for a header whose size,
        /// mode, time or checksum field is not octal, i.e. a file that is not a tar at all, or a damaged one.
        /// </summary>
        internal static string WhyHeaderInvalid(Exception e, string? previousEntry) => previousEntry == null
            ? $"its first block is not a tar header ({e.Message.TrimEnd('.')})"
            : $"the tar header after entry '{previousEntry}' is corrupt ({e.Message.TrimEnd('.')}): the archive is damaged";

        private static bool IsFormatError(Exception e) =>
            e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or OverflowException or NotSupportedException;

        private static MiniDockerException Invalid(string source, string why) =>
            new("ImageArchiveInvalid", FailureKind.InvalidArgument, $"'{source}' is not a valid tar archive: {why}", source);

        private static MiniDockerException Unsafe(string source, string entry, string why) =>
            new("ImageEntryUnsafe", FailureKind.InvalidArgument, $"Entry '{entry}' of '{source}' was refused: {why}. Nothing was imported.", entry);

        /// <summary>The entry's path relative to the layer root: absolute paths are taken as relative, ".." is refused.</summary>
        public static string Normalize(string name, string source)
        {
            if (name.Contains('\0')) throw Unsafe(source, name, "the name contains a NUL character");
            var parts = new List<string>();
            foreach (var p in name.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (p == ".") continue;
                if (p == "..") throw Unsafe(source, name, "the path contains '..'");
                if (Encoding.UTF8.GetByteCount(p) > MaxName)
                    throw new MiniDockerException("ImageEntryNameTooLong", FailureKind.InvalidArgument, $"An entry of '{source}' has a name component longer than {MaxName} bytes: '{Shorten(name)}'. Nothing was imported.", Shorten(name));
                parts.Add(p);
            }
            string rel = string.Join('/', parts);
            if (Encoding.UTF8.GetByteCount(rel) > MaxPath)
                throw new MiniDockerException("ImageEntryNameTooLong", FailureKind.InvalidArgument, $"An entry of '{source}' has a path longer than {MaxPath} bytes: '{Shorten(name)}'. Nothing was imported.", Shorten(name));
            return rel;
        }

        private static string Shorten(string s) => s.Length > 80 ? s.Substring(0, 80) + "..." : s;

        /// <summary>Writes one entry; returns the file bytes it added.</summary>
        private long Apply(LayerDirectory dir, TarEntry e, string source)
        {
            if (e.EntryType is TarEntryType.GlobalExtendedAttributes) return 0;
            string rel = Normalize(e.Name, source);
            dir.Invalidate(rel);
            string name = LayerDirectory.NameOf(rel);
            string parentPath = LayerDirectory.ParentOf(rel);

            if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                int parentFd = OpenParent(dir, parentPath, rel, source);
                if (name == OpaqueMarker)
                {
                    // The namespace the overlay reads: trusted. as root, user. rootless (which may not set trusted.).
                    LayerDirectory.SetXattrAt(parentFd, ".", OverlayMarkers.OpaqueXattr, new[] { (byte)'y' });
                    return 0;
                }
                string hidden = name.Substring(WhiteoutPrefix.Length);
                if (hidden.Length == 0 || hidden == "." || hidden == "..") throw Unsafe(source, e.Name, "a whiteout must name a file");
                // A whiteout named .wh.X would read as one of X to fuse-overlayfs (and the engine's rootless readers), not to the kernel.
                if (hidden.StartsWith(WhiteoutPrefix, StringComparison.Ordinal)) throw Unsafe(source, e.Name, "a whiteout may not name another whiteout");
                dir.Invalidate(LayerDirectory.ParentOf(rel).Length == 0 ? hidden : parentPath + "/" + hidden);
                dir.Clear(parentFd, hidden, keepDirectory: false);
                MakeNode(parentFd, hidden, LayerDirectory.S_IFCHR, 0, rel);
                return 0;
            }
            if (rel.Length == 0)
            {
                if (e.EntryType != TarEntryType.Directory) throw Unsafe(source, e.Name, "the layer root must be a directory");
                OwnAndMode(dir.Directory("", false), ".", e, rel);
                return 0;
            }

            RecordOwner(rel, e, source);
            int parent = OpenParent(dir, parentPath, rel, source);
            byte[] n = LayerDirectory.Name(name);
            switch (e.EntryType)
            {
                case TarEntryType.Directory:
                    dir.Clear(parent, name, keepDirectory: true);
                    unsafe
                    {
                        fixed (byte* np = n)
                            if (mkdirat(parent, np, 0x1C0) != 0 && errno != EEXIST) LayerDirectory.Check(-1, "mkdir", rel);
                    }
                    OwnAndMode(parent, name, e, rel);
                    _directoryTimes.Add((rel, e.ModificationTime));
                    return 0;

                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    dir.Clear(parent, name, keepDirectory: false);
                    return WriteFile(parent, n, e, rel, source);

                case TarEntryType.SymbolicLink:
                    if (e.LinkName.Contains('\0') || Encoding.UTF8.GetByteCount(e.LinkName) > MaxPath)
                        throw Unsafe(source, e.Name, "the symlink target is not a valid path");
                    dir.Clear(parent, name, keepDirectory: false);
                    unsafe
                    {
                        byte[] target = LayerDirectory.Name(e.LinkName);
                        fixed (byte* tp = target, np = n) LayerDirectory.Check(symlinkat(tp, parent, np), "symlink", rel);
                    }
                    Own(parent, name, e, rel);
                    SetTimesAt(parent, name, e.ModificationTime, rel);
                    return 0;

                case TarEntryType.HardLink:
                    Link(dir, parent, name, e, rel, source);
                    return 0;

                case TarEntryType.Fifo:
                    dir.Clear(parent, name, keepDirectory: false);
                    MakeNode(parent, name, LayerDirectory.S_IFIFO | ((int)e.Mode & 0xFFF), 0, rel);
                    Own(parent, name, e, rel);
                    return 0;

                case TarEntryType.CharacterDevice when e is PosixTarEntry { DeviceMajor: 0, DeviceMinor: 0 }:
                    dir.Clear(parent, name, keepDirectory: false);
                    MakeNode(parent, name, LayerDirectory.S_IFCHR, 0, rel);   // an overlay-style whiteout
                    return 0;

                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                    _warn?.Invoke($"Skipped device node '{rel}' from '{source}': containers get their own /dev.");
                    return 0;

                default:
                    throw new MiniDockerException("ImageEntryUnsupported", FailureKind.NotImplemented,
                        $"Entry '{e.Name}' of '{source}' has tar type {e.EntryType}, which MiniDocker does not extract. Nothing was imported.", e.Name);
            }
        }

        /// <summary>
        /// Rootless with a range: notes the owner REL must get (the layer root stays the user's, container root). An id
        /// beyond the range is refused, as Podman refuses it ("potentially insufficient UIDs or GIDs").
        /// </summary>
        private void RecordOwner(string rel, TarEntry e, string source)
        {
            if (_owners == null) return;
            int mode = e.EntryType switch
            {
                TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.Fifo => (int)e.Mode & 0xFFF,
                TarEntryType.SymbolicLink => -1,
                TarEntryType.HardLink => -2,
                _ => -3,
            };
            if (mode == -3) return;
            if (mode == -2 || (e.Uid == 0 && e.Gid == 0)) { _owners.Remove(rel); return; }
            var (maxUid, maxGid) = Rootless.IdShift.MaxIds;
            if (e.Uid < 0 || e.Uid > maxUid || e.Gid < 0 || e.Gid > maxGid)
                throw new MiniDockerException("ImageIdOutsideRange", FailureKind.InvalidArgument,
                    $"Entry '{rel}' of '{source}' is owned by {e.Uid}:{e.Gid}, beyond your subordinate ids (a container has uids 0-{maxUid} and gids 0-{maxGid}, " +
                    "from /etc/subuid and /etc/subgid). Ask for a larger range (usermod --add-subuids/--add-subgids). Nothing was imported.", rel);
            _owners[rel] = ((uint)e.Uid, (uint)e.Gid, mode);
        }

        private static int OpenParent(LayerDirectory dir, string parentPath, string rel, string source)
        {
            try { return dir.Directory(parentPath, create: true); }
            catch (IOException ex)
            {
                throw Unsafe(source, rel, $"its parent directory cannot be made inside the layer ({ex.Message})");
            }
        }

        private unsafe long WriteFile(int parent, byte[] name, TarEntry e, string rel, string source)
        {
            int fd;
            fixed (byte* np = name) fd = openat(parent, np, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0x180);
            if (fd < 0) LayerDirectory.Check(-1, "create", rel);
            long written = 0;
            try
            {
                if (e.DataStream is Stream data)
                {
                    while (true)
                    {
                        int got;
                        try { got = data.Read(_buffer, 0, _buffer.Length); }
                        catch (Exception ex) when (IsFormatError(ex)) { throw Invalid(source, $"the data of '{e.Name}' is cut short ({ex.Message})"); }
                        if (got == 0) break;
                        fixed (byte* bp = _buffer)
                            for (int off = 0; off < got;)
                            {
                                long w = (long)pwrite(fd, bp + off, got - off, written);
                                if (w < 0) { if (errno == EINTR) continue; LayerDirectory.Check(-1, "write", rel); }
                                off += (int)w;
                                written += w;
                            }
                    }
                }
                if (written != e.Length) throw Invalid(source, $"the data of '{e.Name}' is cut short");
                LayerDirectory.Check(fchown(fd, e.OwnerUid(), e.OwnerGid()), "chown", rel);
                LayerDirectory.Check(fchmod(fd, (mode_t)((int)e.Mode & 0xFFF)), "chmod", rel);   // after chown, which clears setuid
                foreach (var (attr, value) in CapabilityXattrs(e, rel))
                    LayerDirectory.SetXattr(fd, attr, value);
                var times = stackalloc timespec[2];
                times[0] = times[1] = ToTimespec(e.ModificationTime);
                LayerDirectory.Check(futimens(fd, times), "utimens", rel);
            }
            finally { close(fd); }
            return written;
        }

        /// <summary>security.capability only (file capabilities real images need); other xattrs are not taken from untrusted input.</summary>
        private IEnumerable<(string, byte[])> CapabilityXattrs(TarEntry e, string rel)
        {
            if (e is not PaxTarEntry pax) yield break;
            foreach (var kv in pax.ExtendedAttributes)
            {
                if (kv.Key == "LIBARCHIVE.xattr.security.capability")
                {
                    byte[]? v = null;
                    try { v = Convert.FromBase64String(kv.Value); } catch (FormatException) { }
                    if (v != null) yield return ("security.capability", v);
                }
                else if (kv.Key == "SCHILY.xattr.security.capability")
                {
                    // .NET decodes PAX values as UTF-8: a byte that is not valid UTF-8 is lost, so such a value cannot be restored exactly.
                    if (kv.Value.Contains('\uFFFD')) _warn?.Invoke($"Skipped security.capability of '{rel}': its value is not representable exactly by the tar reader.");
                    else yield return ("security.capability", Encoding.UTF8.GetBytes(kv.Value));
                }
            }
        }

        private unsafe void Link(LayerDirectory dir, int parent, string name, TarEntry e, string rel, string source)
        {
            string target = Normalize(e.LinkName, source);
            if (target.Length == 0 || target == rel) throw Unsafe(source, e.Name, $"hardlink target '{e.LinkName}' is not a file in the layer");
            // Both ends resolve inside the root; the parent fd of the target is opened separately (the cache holds one).
            int targetParent = dir.OpenInRoot(LayerDirectory.ParentOf(target), O_PATH | O_DIRECTORY);
            if (targetParent < 0) throw Unsafe(source, e.Name, $"hardlink target '{e.LinkName}' is not in the layer");
            try
            {
                var st = LayerDirectory.Lstat(targetParent, LayerDirectory.NameOf(target));
                if (st is null || ((int)st.Value.st_mode & LayerDirectory.S_IFMT) == LayerDirectory.S_IFDIR)
                    throw Unsafe(source, e.Name, $"hardlink target '{e.LinkName}' is not a file in the layer");
                parent = dir.Directory(LayerDirectory.ParentOf(rel), create: true);
                dir.Clear(parent, name, keepDirectory: false);
                byte[] t = LayerDirectory.Name(LayerDirectory.NameOf(target)), n = LayerDirectory.Name(name);
                fixed (byte* tp = t, np = n)
                    if (linkat(targetParent, tp, parent, np, 0) != 0)
                        throw Unsafe(source, e.Name, $"hardlink to '{e.LinkName}' failed ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)})");
            }
            finally { close(targetParent); }
        }

        private static unsafe void MakeNode(int parent, string name, int mode, ulong dev, string rel)
        {
            byte[] n = LayerDirectory.Name(name);
            fixed (byte* np = n) LayerDirectory.Check(mknodat(parent, np, (mode_t)mode, (dev_t)dev), "mknod", rel);
        }

        private static unsafe void Own(int parent, string name, TarEntry e, string rel)
        {
            byte[] n = LayerDirectory.Name(name);
            fixed (byte* np = n) LayerDirectory.Check(fchownat(parent, np, e.OwnerUid(), e.OwnerGid(), AT_SYMLINK_NOFOLLOW), "chown", rel);
        }

        /// <summary>Owner then mode of a directory NAME just made by us (never a symlink, so fchmodat cannot follow one).</summary>
        private static unsafe void OwnAndMode(int parent, string name, TarEntry e, string rel)
        {
            Own(parent, name, e, rel);
            byte[] n = LayerDirectory.Name(name);
            fixed (byte* np = n) LayerDirectory.Check(fchmodat(parent, np, (mode_t)((int)e.Mode & 0xFFF), 0), "chmod", rel);
        }

        private static void SetTimes(LayerDirectory dir, string rel, DateTimeOffset mtime)
        {
            int parent = dir.Directory(LayerDirectory.ParentOf(rel), create: false);
            SetTimesAt(parent, LayerDirectory.NameOf(rel), mtime, rel);
        }

        private static unsafe void SetTimesAt(int parent, string name, DateTimeOffset mtime, string rel)
        {
            var times = stackalloc timespec[2];
            times[0] = times[1] = ToTimespec(mtime);
            byte[] n = LayerDirectory.Name(name);
            fixed (byte* np = n) LayerDirectory.Check(utimensat(parent, np, times, AT_SYMLINK_NOFOLLOW), "utimens", rel);
        }

        private static timespec ToTimespec(DateTimeOffset t)
        {
            long ticks = (t.UtcDateTime - DateTime.UnixEpoch).Ticks;
            return new timespec { tv_sec = (time_t)(ticks / TimeSpan.TicksPerSecond), tv_nsec = (long_t)(ticks % TimeSpan.TicksPerSecond * 100) };
        }
    }
}
