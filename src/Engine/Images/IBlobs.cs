using System;
using System.IO;

namespace MiniDocker.Engine.Images
{
    /// <summary>The named files of an image archive or layout (blobs/sha256/..., manifest.json, ...).</summary>
    internal interface IBlobs : IDisposable
    {
        bool Has(string name);
        long Length(string name);
        Stream Open(string name);
    }
}
