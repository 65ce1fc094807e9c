using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace MiniDocker.Engine
{
    /// <summary>
    /// docker run --rm, restart and prune. An auto-remove container is removed by the first engine read that finds
    /// it stopped (the reconcile of Get/List, so Wait, Start -Wait, Stop and Get-MiniContainer all do it): the
    /// monitor is C and knows nothing of the engine's locks, cgroups and networks, and an engine command is the
    /// only place all of those are released together. A detached one that nobody waits for is removed by the next
    /// command that looks (Get-MiniContainer, Get-MiniEvent -Follow, ...).
    /// </summary>
    public sealed partial class ContainerEngine
    {
        /// <summary>C as read; removed first (with everything it owns) when it is an auto-remove container that has stopped.</summary>
        private T AutoRemoveIfDone<T>(T c) where T : Container
        {
            if (!IsAutoRemovable(c)) return c;
            try { Remove(c.Id, force: false, collectLayers: false); }
            catch (MiniDockerException) { }   // removed meanwhile by another command, or left for the next one to retry
            return c;
        }

        private static bool IsAutoRemovable(Container c) => c.AutoRemove && c.State is ContainerState.Exited or ContainerState.Dead;

        /// <summary>Stops ID when it runs (SIGTERM, SIGKILL after TIMEOUT), then starts it again.</summary>
        public Container Restart(string id, TimeSpan timeout, CancellationToken token = default)
        {
            var c = Get(id) ?? throw NotFound(id);
            if (c.AutoRemove)
                throw new MiniDockerException("AutoRemoveNoRestart", FailureKind.InvalidOperation,
                    (p, op) => $"Container '{c.Name}' is removed when it stops ({p("AutoRemove")}), so it cannot be restarted.", c);
            if (c.State is ContainerState.Running or ContainerState.Paused)
            {
                var r = StopMany(new[] { id }, timeout, token)[0];
                if (r.Error != null) throw r.Error;
            }
            token.ThrowIfCancellationRequested();
            var started = Start(id);
            RecordEvent("restart", started);
            return started;
        }

        /// <summary>What a prune removed (or, with WhatIf, would remove).</summary>
        public sealed record PruneResult(IReadOnlyList<Container> Containers, IReadOnlyList<Image> Images);

        /// <summary>
        /// docker system prune: removes every stopped container (Exited, Dead, and with CREATED also never started ones)
        /// and, with IMAGES, every image no container uses. SHOULDREMOVE is asked for each (WhatIf/Confirm); failures go to ERROR.
        /// </summary>
        public PruneResult Prune(bool includeCreated, bool images, Func<object, bool> shouldRemove, Action<MiniDockerException> error)
        {
            var removed = new List<Container>();
            foreach (var c in List().Where(c => c.State is ContainerState.Exited or ContainerState.Dead || includeCreated && c.State == ContainerState.Created))
            {
                if (!shouldRemove(c)) continue;
                try { Remove(c.Id, force: false); removed.Add(c); }
                catch (MiniDockerException e) { error(e); }
            }
            var removedImages = new List<Image>();
            if (images)
            {
                var used = List().Select(c => c.ImageId).Where(i => i != null).ToHashSet();
                foreach (var image in Images.Records().Where(i => !used.Contains(i.Id)))
                {
                    if (!shouldRemove(image)) continue;
                    try { RemoveImage(image, force: false); removedImages.Add(image); }
                    catch (MiniDockerException e) { error(e); }
                }
            }
            return new PruneResult(removed, removedImages);
        }
    }
}
