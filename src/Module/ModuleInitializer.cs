using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>
    /// Runs at Import-Module and only hooks the loader: the architecture's Tmds.LibC is resolved when first needed
    /// (its structs differ between x64 and arm64, so the package keeps one per runtime under runtimes/RID/). Nothing
    /// touches the disk or spawns at import (bench/ times it); the rest waits for the first cmdlet, see <see cref="OnFirstUse"/>.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly string ModuleDir = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";
        private static int _used;

        public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveRuntimeAssembly;

        /// <summary>
        /// Once per process, when a cmdlet first makes its engine: restores the execute bit a nupkg install drops, on the
        /// module's own helper (never a MINIDOCKER_HELPER; a start would also do it) and on bin/mini-docker, so running
        /// any cmdlet once makes mini-docker runnable from bash. A failure is not fatal: the first start names the fix.
        /// </summary>
        internal static void OnFirstUse()
        {
            if (Interlocked.Exchange(ref _used, 1) != 0) return;
            HelperBinary.RestoreMode(HelperBinary.PackagedPath);
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
