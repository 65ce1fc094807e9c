using System.Globalization;

namespace MiniDocker.Engine.Cgroups
{
    /// <summary>
    /// A size as the user gave it: a number of bytes (PowerShell's 512MB arrives as one) or text such as
    /// "512MB", "1.5g" or "-1". <see cref="ResourceSize"/> parses and validates it when the request is
    /// applied, so a bad one is reported against the container it was meant for.
    /// </summary>
    public readonly struct SizeValue
    {
        public SizeValue(double bytes) => (Number, Text) = (bytes, null);

        public SizeValue(string text) => (Number, Text) = (0, text ?? "");

        /// <summary>The size as text, or null when it was given as a number.</summary>
        public string? Text { get; }

        /// <summary>The size in bytes when given as a number.</summary>
        public double Number { get; }

        /// <summary>-1, as a number or as text: unlimited, where the limit allows it.</summary>
        public bool IsMinusOne => Text != null ? Text.Trim() == "-1" : Number == -1;

        public static implicit operator SizeValue(long bytes) => new(bytes);
        public static implicit operator SizeValue(double bytes) => new(bytes);
        public static implicit operator SizeValue(string text) => new(text);

        public override string ToString() => Text ?? Number.ToString(CultureInfo.InvariantCulture);
    }
}
