using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MiniDocker.Loader
{
    /// <summary>
    /// Loads this architecture's engine (runtimes/RID/MiniDocker.Engine.dll, and ZstdSharp when first needed) before
    /// PowerShell scans MiniDocker.PowerShell.dll, whose cmdlet types need it. They are ReadyToRun code for one processor,
    /// and such an image fails to load on another, so no fixed RequiredAssemblies path fits every machine. A separate
    /// nested module because the scan comes before the cmdlet assembly's own initializer; it is IL, like the cmdlets.
    /// </summary>
    public sealed class EngineLoader : IModuleAssemblyInitializer
    {
        private static readonly string? RuntimeDir = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => Path.Combine(Path.GetDirectoryName(typeof(EngineLoader).Assembly.Location) ?? ".", "runtimes", "linux-x64"),
            Architecture.Arm64 => Path.Combine(Path.GetDirectoryName(typeof(EngineLoader).Assembly.Location) ?? ".", "runtimes", "linux-arm64"),
            _ => null,
        };

        public void OnImport()
        {
            AssemblyLoadContext.Default.Resolving += Resolve;
            // By name: a host that already carries the engine (the unit tests) keeps its copy; otherwise Resolve finds it.
            Assembly.Load(new AssemblyName("MiniDocker.Engine"));
        }

        private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
        {
            if (name.Name is not ("MiniDocker.Engine" or "ZstdSharp") || RuntimeDir is null) return null;
            string path = Path.Combine(RuntimeDir, name.Name + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        }
    }
}
