using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>The CPUs this host has online: the bound for -Cpus and the set -CpusetCpus must stay within.</summary>
    public sealed class HostCpus
    {
        public HostCpus(IReadOnlyCollection<int> online) => Online = online;

        public IReadOnlyCollection<int> Online { get; }
        public int Count => Online.Count;

        /// <summary>From /sys/devices/system/cpu/online; Environment.ProcessorCount when that cannot be read.</summary>
        public static HostCpus Current()
        {
            try
            {
                if (CpuList.TryParse(File.ReadAllText("/sys/devices/system/cpu/online"), out var cpus) && cpus.Count > 0)
                    return new HostCpus(cpus);
            }
            catch (IOException) { }
            return new HostCpus(Enumerable.Range(0, Environment.ProcessorCount).ToList());
        }
    }

    /// <summary>The kernel's CPU list syntax ("0-3,5"), as cpuset.cpus and /sys/devices/system/cpu/online use it.</summary>
    public static class CpuList
    {
        /// <summary>Largest CPU number accepted: the kernel's NR_CPUS ceiling is far below it.</summary>
        private const int MaxCpu = 8191;

        public static bool TryParse(string text, out SortedSet<int> cpus)
        {
            cpus = new SortedSet<int>();
            string t = text.Trim();
            if (t.Length == 0) return false;
            foreach (var part in t.Split(','))
            {
                var ends = part.Split('-');
                if (ends.Length > 2 || !ends.All(IsNumber)) return false;
                int lo = int.Parse(ends[0], CultureInfo.InvariantCulture), hi = int.Parse(ends[^1], CultureInfo.InvariantCulture);
                if (lo > hi || hi > MaxCpu) return false;
                for (int i = lo; i <= hi; i++) cpus.Add(i);
            }
            return true;
        }

        private static bool IsNumber(string s) => s.Length is > 0 and <= 5 && s.All(char.IsAsciiDigit);
    }
}
