using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace MiniDocker.Tests
{
    /// <summary>
    /// The built module (out/MiniDocker, or $env:MINIDOCKER_MODULE as build.ps1 sets it) imported into a
    /// PowerShell runspace hosted in this process. The tests check the module that ships, not the source.
    /// There is no dynamic skip in xunit 2: without a build these tests fail and say how to build.
    /// </summary>
    public sealed class BuiltModule
    {
        private static readonly Lazy<BuiltModule> _instance = new(() => new BuiltModule());

        public static BuiltModule Instance => _instance.Value;

        public static string RepoRoot { get; } = FindRepoRoot();

        public static string ModulePath { get; } =
            Environment.GetEnvironmentVariable("MINIDOCKER_MODULE") is { Length: > 0 } p ? Path.GetFullPath(p)
                : Path.Combine(RepoRoot, "out", "MiniDocker", "MiniDocker.psd1");

        /// <summary>A throw-away state root, so nothing here ever touches /var/lib/minidocker.</summary>
        public static string StateRoot { get; } = Path.Combine(Path.GetTempPath(), "minidocker-unit-state-" + Environment.ProcessId);

        public Runspace Runspace { get; }
        public IReadOnlyList<CmdletInfo> Cmdlets { get; }

        private BuiltModule()
        {
            if (!File.Exists(ModulePath))
                throw new InvalidOperationException(
                    $"The built module is missing at {ModulePath}. Build it first: ./build.ps1 (./build.ps1 -Test builds, then tests), " +
                    "or point MINIDOCKER_MODULE at out/MiniDocker/MiniDocker.psd1 of your build.");
            Environment.SetEnvironmentVariable("MINIDOCKER_ROOT", StateRoot);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(StateRoot, true); } catch (IOException) { } };
            Runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            Runspace.Open();
            Invoke("Import-Module -Name $args[0] -ErrorAction Stop", ModulePath);
            Cmdlets = Invoke("(Get-Module MiniDocker).ExportedCmdlets.Values | Sort-Object Name")
                .Select(o => (CmdletInfo)o.BaseObject).ToList();
        }

        /// <summary>Runs SCRIPT ($args = ARGS); a terminating error or any error record fails the test with its message.</summary>
        public Collection<PSObject> Invoke(string script, params object[] args)
        {
            // One runspace runs one pipeline at a time, and xunit runs test classes in parallel.
            lock (_gate) return InvokeAlone(script, args);
        }

        private readonly object _gate = new();

        private Collection<PSObject> InvokeAlone(string script, object[] args)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = Runspace;
            ps.AddScript(script);
            foreach (var a in args) ps.AddArgument(a);
            var result = ps.Invoke();
            if (ps.HadErrors && ps.Streams.Error.Count > 0)
                throw new InvalidOperationException(string.Join(Environment.NewLine, ps.Streams.Error.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
            return result;
        }

        /// <summary>Theory data: one row per exported cmdlet (or one that fails with the build hint).</summary>
        public static IEnumerable<object[]> CmdletRows(Func<CmdletInfo, bool>? where = null)
        {
            if (!File.Exists(ModulePath)) return new[] { new object[] { "(module not built)" } };
            return Instance.Cmdlets.Where(where ?? (_ => true)).Select(c => new object[] { c.Name }).ToList();
        }

        public CmdletInfo Cmdlet(string name) => Cmdlets.SingleOrDefault(c => c.Name == name) ?? throw new InvalidOperationException($"{name} is not exported by {ModulePath}.");

        private static string FindRepoRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "build.ps1")) && File.Exists(Path.Combine(d.FullName, "MiniDocker.psd1")))
                    return d.FullName;
            throw new InvalidOperationException($"No repository (build.ps1 + MiniDocker.psd1) above {AppContext.BaseDirectory}.");
        }
    }
}
