# Loads this architecture's engine before PowerShell scans MiniDocker.PowerShell.dll, whose types need it. The engine is
# precompiled (ReadyToRun) for one processor under runtimes/RID/, and such an image fails to load on another, so no fixed
# RequiredAssemblies path fits every machine. A host that already carries the engine (the unit tests) keeps its copy.
if (-not ('MiniDocker.Engine.Launch.HelperBinary' -as [type])) {
    switch ([Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture) {
        'X64' { $null = [Reflection.Assembly]::LoadFrom("$PSScriptRoot/runtimes/linux-x64/MiniDocker.Engine.dll") }
        'Arm64' { $null = [Reflection.Assembly]::LoadFrom("$PSScriptRoot/runtimes/linux-arm64/MiniDocker.Engine.dll") }
        default { throw "MiniDocker supports linux-x64 and linux-arm64, not $_." }
    }
}
