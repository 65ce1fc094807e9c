@{
    RootModule           = 'MiniDocker.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f7c1e-3d2a-4e8b-9a61-7c4f2d9e1a30'
    Author               = 'The MiniDocker developers'
    CompanyName          = 'MiniDocker'
    Copyright            = '(c) The MiniDocker developers. MIT licence.'
    Description          = 'Linux containers from first principles (namespaces, pivot_root, cgroups) as PowerShell cmdlets and objects.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    # Not RequiredAssemblies: the engine is per architecture (runtimes/RID/); this nested module loads the machine's copy first.
    NestedModules        = @('MiniDocker.Loader.dll')
    FormatsToProcess     = @('MiniDocker.format.ps1xml')
    TypesToProcess       = @('MiniDocker.types.ps1xml')
    CmdletsToExport      = @(
        'New-MiniContainer', 'Start-MiniContainer', 'Get-MiniContainer', 'Stop-MiniContainer',
        'Remove-MiniContainer', 'Wait-MiniContainer', 'Get-MiniContainerLog',
        'Set-MiniContainerLimit', 'Get-MiniContainerStat', 'Suspend-MiniContainer', 'Resume-MiniContainer',
        'Import-MiniImage', 'Get-MiniImage', 'Remove-MiniImage', 'Export-MiniContainer', 'ConvertTo-MiniImage',
        'Invoke-MiniContainer', 'Enter-MiniContainer',
        'New-MiniNetwork', 'Get-MiniNetwork', 'Remove-MiniNetwork',
        'Receive-MiniImage', 'Send-MiniImage', 'Add-MiniImageTag', 'Connect-MiniRegistry', 'Disconnect-MiniRegistry', 'Save-MiniImage',
        'Rename-MiniContainer', 'Get-MiniSystemInfo',
        'Restart-MiniContainer', 'Copy-MiniContainerItem', 'Get-MiniContainerChange', 'Clear-MiniSystem', 'Get-MiniEvent'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @('Pull-MiniImage', 'Request-MiniImage', 'Push-MiniImage', 'Tag-MiniImage', 'Login-MiniRegistry', 'Logout-MiniRegistry', 'Export-MiniImage', 'Prune-MiniSystem')
    VariablesToExport    = @()
    # No HelpInfoUri: the help ships in the module (en-US), so Update-Help has nothing to fetch.
    PrivateData          = @{
        PSData = @{
            # Versions: SemVer in ModuleVersion (docs/releasing.md); a preview sets Prerelease = 'preview1'.
            Tags         = @('containers', 'linux', 'namespaces', 'cgroups', 'docker', 'overlayfs', 'seccomp', 'Linux', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/minidocker/minidocker'
            LicenseUri   = 'https://github.com/minidocker/minidocker/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: first release. Containers from a rootfs folder or imported images (tarballs, docker save, OCI layouts) with namespaces, overlayfs, cgroup v1 and v2 limits, Docker''s security defaults, exec, logs and stats; static helpers for linux-x64 and linux-arm64.'
        }
    }
}
