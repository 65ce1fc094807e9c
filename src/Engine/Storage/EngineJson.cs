using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MiniDocker.Engine.Networking;

namespace MiniDocker.Engine.Storage
{
    /// <summary>
    /// Compile-time JSON metadata for the engine's state files, so the NativeAOT mini-docker reads and writes them with
    /// no runtime code generation (reflection-based System.Text.Json cannot make generic instantiations there). The
    /// format is the one reflection writes; any type not listed still falls back to reflection.
    /// </summary>
    [JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
    [JsonSerializable(typeof(ContainerRecord))]
    [JsonSerializable(typeof(Container))]
    internal sealed partial class ContainerJsonContext : JsonSerializerContext { }

    /// <summary>Images, networks, leases and security settings: numbers for enums, as their stores always wrote.</summary>
    [JsonSourceGenerationOptions(WriteIndented = true)]
    [JsonSerializable(typeof(Image))]
    [JsonSerializable(typeof(Network))]
    [JsonSerializable(typeof(List<Lease>))]
    [JsonSerializable(typeof(SecuritySettings))]
    internal sealed partial class EngineDataJsonContext : JsonSerializerContext { }

    /// <summary>The event log's lines: compact, nulls left out.</summary>
    [JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(ContainerEvent))]
    internal sealed partial class ContainerEventJsonContext : JsonSerializerContext { }

    internal static class EngineJson
    {
        /// <summary>Options that take RESOLVER's metadata first and reflection for anything else.</summary>
        public static JsonSerializerOptions Indented(IJsonTypeInfoResolver resolver) => new()
        {
            WriteIndented = true,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(resolver, new DefaultJsonTypeInfoResolver()),
        };
    }
}
