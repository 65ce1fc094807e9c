using System;
using System.IO;
using System.Linq;

namespace MiniDocker.Engine.Rootless
{
    /// <summary>A user's subordinate id range: START..START+COUNT-1 on the host (a line "name:start:count" of /etc/subuid).</summary>
    public sealed record SubordinateRange(long Start, long Count)
    {
        public override string ToString() => $"{Start}:{Count}";

        /// <summary>
        /// The first range of FILE for USER (by name, or by uid as newuidmap also accepts); null when there is none.
        /// A malformed line is skipped, as shadow's own parser does.
        /// </summary>
        public static SubordinateRange? For(string file, string? user, uint uid)
        {
            if (!File.Exists(file)) return null;
            foreach (var line in File.ReadLines(file))
            {
                var f = line.Trim().Split(':');
                if (f.Length != 3 || f[0].StartsWith('#')) continue;
                if (f[0] != user && f[0] != uid.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
                if (long.TryParse(f[1], out var start) && long.TryParse(f[2], out var count) && start > 0 && count > 0)
                    return new SubordinateRange(start, count);
            }
            return null;
        }

        /// <summary>The name /etc/passwd gives UID, or null.</summary>
        public static string? UserName(uint uid)
        {
            if (!File.Exists("/etc/passwd")) return null;
            string u = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[2] == u)?[0];
        }
    }
}
