using System.Management.Automation;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>
    /// Lets -Image take what Get-MiniImage returns (also a deserialized copy): an image object becomes its
    /// id, so `Get-MiniImage alpine | New-MiniContainer` binds; strings pass through as references.
    /// </summary>
    public sealed class ImageReferenceTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? o = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (o is Image image) return image.Id;
            if (inputData is PSObject p && p.TypeNames.Contains("Deserialized.MiniDocker.Image") && p.Properties["Id"]?.Value is string id) return id;
            return inputData;
        }
    }
}
