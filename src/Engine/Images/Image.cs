using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace MiniDocker
{
    /// <summary>An imported image: its layers (bottom first, by diff_id) and the defaults its config gives a container.</summary>
    public sealed class Image
    {
        /// <summary>sha256 of the image config (hex, no "sha256:" prefix).</summary>
        public string Id { get; set; } = "";
        public string ShortId => Id.Length > 12 ? Id.Substring(0, 12) : Id;
        /// <summary>Every name:tag that points at this image.</summary>
        public List<string> Tags { get; set; } = new();
        /// <summary>The name this object was listed under (one object per tag, like docker images); "&lt;none&gt;" when untagged.</summary>
        [JsonIgnore] public string Name { get; set; } = "<none>";
        [JsonIgnore] public string Tag { get; set; } = "<none>";
        /// <summary>name@sha256:MANIFEST for an image pulled from a registry (how a pull by digest is found again).</summary>
        public List<string> RepoDigests { get; set; } = new();
        public List<ImageLayer> Layers { get; set; } = new();
        public ImageConfig Config { get; set; } = new();
        public DateTime Created { get; set; }
        /// <summary>Bytes of file data in all layers.</summary>
        public long Size { get; set; }
        /// <summary>What it was imported from (file, folder or container).</summary>
        public string Source { get; set; } = "";
        /// <summary>os/arch[/variant] its config names; null for an image of our own making (this machine's). Kept so a push or save says the same.</summary>
        public string? Platform { get; set; }

        public override string ToString() => Name == "<none>" ? ShortId : Name + ":" + Tag;
    }

    public sealed class ImageLayer
    {
        /// <summary>sha256 of the layer's uncompressed tar (hex), the name of its directory in the layer store.</summary>
        public string DiffId { get; set; } = "";
        public long Size { get; set; }
    }

    /// <summary>The OCI image config fields that give a container its defaults.</summary>
    public sealed class ImageConfig
    {
        public string[]? Env { get; set; }
        public string[]? Entrypoint { get; set; }
        public string[]? Cmd { get; set; }
        public string? WorkingDir { get; set; }
        public string? User { get; set; }
    }
}
