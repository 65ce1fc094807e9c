using System.Globalization;

namespace MiniDocker
{
    /// <summary>One resource limit (setrlimit): soft and hard; ulong.MaxValue is unlimited.</summary>
    public sealed class Ulimit
    {
        public string Name { get; set; } = "";
        public ulong Soft { get; set; }
        public ulong Hard { get; set; }
        public override string ToString() => $"{Name}={Format(Soft)}:{Format(Hard)}";
        private static string Format(ulong v) => v == ulong.MaxValue ? "unlimited" : v.ToString(CultureInfo.InvariantCulture);
    }
}
