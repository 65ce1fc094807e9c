using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>
    /// Runs at Import-Module: loads the architecture's Tmds.LibC (its structs differ between x64 and
    /// arm64, so the package keeps one per runtime under runtimes/RID/) and restores the helper's
    /// execute bit, which a nupkg install drops (only the module's own helper, never a MINIDOCKER_HELPER).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly string ModuleDir = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";

        public void OnImport()
        {
            AssemblyLoadContext.Default.Resolving += ResolveRuntimeAssembly;
            // A failure here is not fatal: the first start names the helper, its mode and the fix.
            HelperBinary.RestoreMode(HelperBinary.PackagedPath);
            // mini-docker (bin/) loses it the same way; importing the module once makes it runnable from bash.
            HelperBinary.RestoreMode(Path.Combine(ModuleDir, "bin", "mini-docker"));
        }

        private static Assembly? ResolveRuntimeAssembly(AssemblyLoadContext context, AssemblyName name)
        {
            if (name.Name != "Tmds.LibC" || HelperBinary.RuntimeId is not string rid) return null;
            string path = Path.Combine(ModuleDir, "runtimes", rid, "Tmds.LibC.dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        }
    }
}
