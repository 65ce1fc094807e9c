using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace MiniDocker.Engine.Registry
{
    /// <summary>
    /// Which entry of an image index (OCI index, Docker manifest list) serves a platform, for pulls and
    /// imports alike: os and architecture must match; a variant given must match, except that arm64's
    /// v8 also takes an entry without variant (containers/image's rule).
    /// </summary>
    internal static class PlatformChoice
    {
        /// <summary>The chosen entry, or null; AVAILABLE lists what the index has (os/arch[/variant]).</summary>
        public static JsonObject? Choose(JsonArray list, string platform, out List<string> available)
        {
            var parts = platform.ToLowerInvariant().Split('/');
            if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
                throw new MiniDockerException("InvalidPlatform", FailureKind.InvalidArgument, $"Platform '{platform}' is not os/arch[/variant], such as linux/amd64 or linux/arm64/v8.", platform);
            string os = parts[0], arch = NormalizeArch(parts[1]), variant = parts.Length == 3 ? parts[2] : "";
            if (arch == "arm64" && variant == "") variant = "v8";
            var entries = list.OfType<JsonObject>().Select(m => (
                Entry: m,
                Os: m["platform"]?["os"]?.GetValue<string>() ?? "",
                Arch: NormalizeArch(m["platform"]?["architecture"]?.GetValue<string>() ?? ""),
                Variant: m["platform"]?["variant"]?.GetValue<string>() ?? "")).ToList();
            available = entries.Where(e => e.Os is not ("unknown" or "")).Select(e => e.Os + "/" + e.Arch + (e.Variant.Length > 0 ? "/" + e.Variant : "")).ToList();
            var candidates = entries.Where(e => e.Os == os && e.Arch == arch).ToList();
            var match = candidates.FirstOrDefault(e => e.Variant == variant);
            if (match.Entry == null && (variant == "" || (arch == "arm64" && variant == "v8"))) match = candidates.FirstOrDefault(e => e.Variant == "" || variant == "");
            return match.Entry;
        }

        public static string NormalizeArch(string a) => a switch { "x86_64" or "x86-64" => "amd64", "aarch64" => "arm64", _ => a };
    }
}
