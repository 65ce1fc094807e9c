using System;
using System.Globalization;
using System.Management.Automation;
using MiniDocker.Engine.Cgroups;

namespace MiniDocker
{
    /// <summary>
    /// Lets a size parameter take what PowerShell users write: a number (512MB arrives as one) or text
    /// ("512m", "-1"). Anything else goes on as its text, so the engine rejects it with the parameter's own ErrorId.
    /// </summary>
    public sealed class SizeTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? o = inputData is PSObject pso ? pso.BaseObject : inputData;
            return o switch
            {
                null => null!,   // no value: the parameter stays unset
                SizeValue s => s,
                string s => new SizeValue(s),
                sbyte or short or int or long or byte or ushort or uint or ulong or float or double or decimal => new SizeValue(Convert.ToDouble(o, CultureInfo.InvariantCulture)),
                _ => new SizeValue(Convert.ToString(o, CultureInfo.InvariantCulture) ?? ""),
            };
        }
    }
}
