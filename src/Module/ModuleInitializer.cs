using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Threading;
using MiniDocker.Engine;

namespace MiniDocker
{
    /// <summary>
    /// Runs at Import-Module and hooks the loader: the engine's dependencies live once per runtime under runtimes/RID/
    /// (ReadyToRun code is for one processor, and a mismatched image fails to load; Tmds.LibC's structs differ between
    /// x64 and arm64), so they are resolved from this architecture's folder. Nothing touches the disk or spawns at
    /// import (bench/ times it); the rest waits for the first cmdlet, see <see cref="OnFirstUse"/>.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private static readonly string ModuleDir = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";
        private static int _used;

        /// <summary>The runtime folder of this process's architecture (the engine's own); found without engine types.</summary>
        private static readonly string? RuntimeDir = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => Path.Combine(ModuleDir, "runtimes", "linux-x64"),
            Architecture.Arm64 => Path.Combine(ModuleDir, "runtimes", "linux-arm64"),
            _ => null,
        };

        /// <summary>The engine itself is already loaded by then (MiniDocker.Runtime.ps1); its dependencies come through here.</summary>
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
            if (name.Name is not ("ZstdSharp" or "Tmds.LibC") || RuntimeDir is null) return null;
            string path = Path.Combine(RuntimeDir, name.Name + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        }
    }
}
