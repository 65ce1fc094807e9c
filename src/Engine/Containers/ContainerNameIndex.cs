using System;
using System.Collections.Generic;
using System.IO;

namespace MiniDocker.Engine.Containers
{
    /// <summary>
    /// Name → id without reading every record: StateRoot/containers/.names/NAME is a symlink to the id. A symlink is
    /// made or refused atomically (EEXIST, like O_EXCL), so two creators never both own a name. The record stays the
    /// truth: an entry whose record is gone or names another name (a New, Rename or Remove killed midway) is stale and
    /// is replaced on the next claim; a record without its entry is re-indexed by <see cref="Repair"/> (every listing).
    /// Writers hold the store lock; readers need none.
    /// </summary>
    public sealed class ContainerNameIndex
    {
        private readonly ContainerStore _store;

        public ContainerNameIndex(ContainerStore store) => _store = store;

        public string Root => Path.Combine(_store.Root, ".names");

        private string EntryPath(string name) => Path.Combine(Root, name);

        /// <summary>The id NAME's entry points to, or null (no entry, or not one of ours).</summary>
        public string? Target(string name)
        {
            try { return new FileInfo(EntryPath(name)).LinkTarget is { Length: 64 } id ? id : null; }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        /// <summary>The id of the container named NAME (its record agrees), or null; one readlink and one record read.</summary>
        public string? Lookup(string name) => Lookup(name, storeLocked: false);

        private string? Lookup(string name, bool storeLocked)
        {
            EnsureBuilt(storeLocked);
            return Target(name) is string id && _store.Load(id)?.Name == name ? id : null;
        }

        /// <summary>True when a container other than EXCEPTID is named NAME. Caller holds the store lock.</summary>
        public bool InUse(string name, string? exceptId = null)
        {
            if (Lookup(name, storeLocked: true) is string id) return id != exceptId;
            // A New writes its record after the store lock, holding its container's lock: an entry whose folder has no record
            // yet is that New's until its lock says otherwise (then it has its record, or it was killed and the entry is stale).
            if (Target(name) is not string pending || pending == exceptId || File.Exists(_store.RecordPath(pending)) || !Directory.Exists(_store.DirectoryOf(pending)))
                return false;
            using (_store.Lock(pending))
                return _store.Load(pending)?.Name == name;
        }

        /// <summary>Points NAME at ID, replacing a stale entry; caller holds the store lock and has checked <see cref="InUse"/>.</summary>
        public void Claim(string name, string id)
        {
            EnsureBuilt(storeLocked: true);
            string path = EntryPath(name);
            for (int attempt = 0; ; attempt++)
            {
                try { File.CreateSymbolicLink(path, id); return; }
                catch (IOException) when (attempt == 0 && Exists(path))
                {
                    // Stale (the caller saw the name free under the lock): replace it once.
                    File.Delete(path);
                }
            }
        }

        /// <summary>Deletes NAME's entry if it still points at ID (a later owner's entry is left alone).</summary>
        public void Release(string name, string id)
        {
            if (Target(name) != id) return;
            try { File.Delete(EntryPath(name)); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>
        /// Re-indexes records whose entry is missing or points elsewhere (a store from before the index, or a hand-edited
        /// one). Takes the store lock only when something needs fixing; best effort, a read never fails because of it.
        /// </summary>
        public void Repair(IEnumerable<(string Id, string Name)> records)
        {
            List<(string Id, string Name)>? wrong = null;
            try { EnsureBuilt(storeLocked: false); }
            catch (IOException) { return; }
            catch (UnauthorizedAccessException) { return; }
            foreach (var c in records)
                if (Target(c.Name) != c.Id) (wrong ??= new List<(string Id, string Name)>()).Add(c);
            if (wrong == null) return;
            try
            {
                using (_store.Lock())
                    foreach (var c in wrong)
                    {
                        if (_store.Load(c.Id)?.Name != c.Name) continue;   // renamed or removed meanwhile
                        if (Target(c.Name) is string other && other != c.Id && _store.Load(other)?.Name == c.Name) continue;   // two records, one name: the first keeps it
                        if (Target(c.Name) != null || Exists(EntryPath(c.Name))) File.Delete(EntryPath(c.Name));
                        File.CreateSymbolicLink(EntryPath(c.Name), c.Id);
                    }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        /// <summary>
        /// A store without the index (made by an older version) gets it built once from its records, under the store lock,
        /// in a scratch folder renamed into place, so a reader never sees half an index.
        /// </summary>
        private void EnsureBuilt(bool storeLocked)
        {
            if (Directory.Exists(Root)) return;
            // flock is per open file: taking the store lock again in the process that holds it would wait forever.
            using (storeLocked ? null : _store.Lock())
            {
                if (Directory.Exists(Root)) return;
                string scratch = Root + ".new";
                if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
                StateDirectory.Create(scratch);
                foreach (var id in _store.Ids())
                    if (_store.Load(id) is { } c && !Exists(Path.Combine(scratch, c.Name)))
                        File.CreateSymbolicLink(Path.Combine(scratch, c.Name), id);
                Directory.Move(scratch, Root);
            }
        }

        private static bool Exists(string path) => new FileInfo(path).LinkTarget != null || File.Exists(path) || Directory.Exists(path);
    }
}
