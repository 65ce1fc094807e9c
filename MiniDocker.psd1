@{
    RootModule           = 'MiniDocker.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f7c1e-3d2a-4e8b-9a61-7c4f2d9e1a30'
    Author               = 'The MiniDocker developers'
    CompanyName          = 'MiniDocker'
    Copyright            = '(c) The MiniDocker developers. MIT licence.'
    Description          = 'Linux containers from first principles (namespaces, pivot_root, cgroups) as PowerShell cmdlets and objects.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Loaded at import so [MiniDocker.Container] and friends work before the first cmdlet runs.
    RequiredAssemblies   = @('MiniDocker.Engine.dll')
    FormatsToProcess     = @('MiniDocker.format.ps1xml')
    CmdletsToExport      = @(
        'New-MiniContainer', 'Start-MiniContainer', 'Get-MiniContainer', 'Stop-MiniContainer',
        'Remove-MiniContainer', 'Wait-MiniContainer', 'Get-MiniContainerLog',
        'Set-MiniContainerLimit', 'Get-MiniContainerStat', 'Suspend-MiniContainer', 'Resume-MiniContainer',
        'Import-MiniImage', 'Get-MiniImage', 'Remove-MiniImage', 'Export-MiniContainer', 'ConvertTo-MiniImage',
        'Invoke-MiniContainer', 'Enter-MiniContainer',
        'Receive-MiniImage', 'Send-MiniImage', 'Add-MiniImageTag', 'Connect-MiniRegistry', 'Disconnect-MiniRegistry'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @('Pull-MiniImage', 'Request-MiniImage', 'Push-MiniImage', 'Tag-MiniImage', 'Login-MiniRegistry', 'Logout-MiniRegistry')
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('containers', 'linux', 'namespaces', 'cgroups')
            ProjectUri = ''
        }
    }
}
