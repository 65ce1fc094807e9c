namespace MiniDocker.Engine.Images
{
    /// <summary>What one extracted layer is: the sha256 of its uncompressed tar (its OCI diff_id) and its file bytes.</summary>
    public sealed record LayerDigest(string DiffId, long Size);
}
