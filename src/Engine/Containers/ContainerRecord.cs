using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace MiniDocker.Engine.Containers
{
    /// <summary>
    /// What the store persists for a container (config.json): the <see cref="Container"/> users see plus
    /// the engine's runtime bookkeeping, under the JSON names records have always had. Never handed to
    /// users: <see cref="ToContainer"/> makes the view the cmdlets return.
    /// </summary>
    public sealed class ContainerRecord : Container
    {
        private static readonly PropertyInfo[] ViewProperties = typeof(Container).GetProperties().Where(p => p.CanWrite).ToArray();

        /// <summary>Start time of <see cref="Container.Pid"/> in clock ticks (field 22 of /proc/PID/stat): a recycled PID never matches.</summary>
        public ulong? PidStartTime { get; set; }
        /// <summary>Start time of <see cref="Container.MonitorPid"/>, likewise.</summary>
        public ulong? MonitorStartTime { get; set; }
        /// <summary>The cgroup directories this container owns, one per hierarchy (v1) or one (v2).</summary>
        public List<string> CgroupPaths { get; set; } = new();
        /// <summary>Where the current run's output starts in the log; earlier runs' output comes before it.</summary>
        public long LogStartOffset { get; set; }

        /// <summary>The container as users see it: every property of <see cref="Container"/>, none of the bookkeeping.</summary>
        public Container ToContainer()
        {
            var view = new Container();
            foreach (var p in ViewProperties) p.SetValue(view, p.GetValue(this));
            return view;
        }
    }
}
