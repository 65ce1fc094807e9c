using System.Collections.Generic;

namespace MiniDocker
{
    /// <summary>How the module says the names an engine message uses: an input as its parameter, an operation as its cmdlet.</summary>
    internal static class PowerShellWords
    {
        private static readonly Dictionary<string, string> Cmdlets = new()
        {
            ["ImportImage"] = "Import-MiniImage",
            ["GetContainer"] = "Get-MiniContainer",
            ["StartContainer"] = "Start-MiniContainer",
            ["StopContainer"] = "Stop-MiniContainer",
            ["RemoveContainer"] = "Remove-MiniContainer",
            ["CreateContainer"] = "New-MiniContainer",
            ["SetContainerLimit"] = "Set-MiniContainerLimit",
            ["CreateNetwork"] = "New-MiniNetwork",
            ["ConnectRegistry"] = "Connect-MiniRegistry",
            ["GetContainerLog"] = "Get-MiniContainerLog",
        };

        // The engine's input names that differ from the parameter's.
        private static readonly Dictionary<string, string> Parameters = new()
        {
            ["Ulimits"] = "Ulimit",
            ["Volumes"] = "Volume",
            ["Devices"] = "Device",
        };

        public static string Parameter(string name) => "-" + (Parameters.TryGetValue(name, out var p) ? p : name);

        public static string Cmdlet(string operation) => Cmdlets.TryGetValue(operation, out var cmdlet) ? cmdlet : operation;
    }
}
