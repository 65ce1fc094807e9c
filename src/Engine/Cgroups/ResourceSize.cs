using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>
    /// Byte sizes as users write them: a number of bytes, or a number with a unit as docker takes it
    /// (k, m, g, t with optional b/ib; every unit is 1024-based, like docker's RAMInBytes and PowerShell's 1MB).
    /// </summary>
    public static class ResourceSize
    {
        private static readonly Regex Pattern = new(@"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>A size as a request carries it; parsed as the overload below.</summary>
        public static long Parse(SizeValue value, string parameter, string errorId) =>
            Parse(value.Text ?? (object)value.Number, parameter, errorId);

        /// <summary>
        /// VALUE as bytes: an integer (PowerShell's 512MB arrives as a number), a whole double (1.5GB), or a string
        /// such as "512MB", "1.5g", "256m", "100k". Negative, zero, fractional bytes, garbage and overflow throw
        /// a MiniDockerException with ERRORID naming PARAMETER.
        /// </summary>
        public static long Parse(object? value, string parameter, string errorId)
        {
            MiniDockerException Bad(string why) => new(errorId, FailureKind.InvalidArgument,
                (p, op) => $"{p(parameter)} '{value}' is not a valid size: {why}. Give bytes or a number with k, m, g or t (1024-based), e.g. 512MB, 1.5g, 256m.", value);

            double bytes;
            switch (value)
            {
                case null: throw Bad("it is empty");
                case sbyte or short or int or long or byte or ushort or uint:
                    bytes = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    break;
                case ulong u:
                    bytes = u;
                    break;
                case float or double or decimal:
                    bytes = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsNaN(bytes) || double.IsInfinity(bytes)) throw Bad("it is not a number");
                    break;
                case string s:
                    if (s.TrimStart().StartsWith('-')) throw Bad("sizes cannot be negative");
                    var m = Pattern.Match(s);
                    if (!m.Success) throw Bad("it is not a number with an optional unit");
                    double number = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
                    int power = "bkmgtp".IndexOf(m.Groups[2].Value.Length == 0 ? 'b' : char.ToLowerInvariant(m.Groups[2].Value[0]));
                    bytes = number * Math.Pow(1024, power);
                    break;
                default: throw Bad($"a {value.GetType().Name} is not a size");
            }
            if (bytes < 0) throw Bad("sizes cannot be negative");
            // 2^63 bytes is the kernel's "unlimited"; anything at or above it cannot be a limit.
            if (bytes >= 9.2233720368547758e18) throw Bad("it is too large");
            long whole = (long)Math.Floor(bytes);
            if (whole == 0) throw Bad("it must be at least one byte");
            return whole;
        }
    }
}
