<#
.SYNOPSIS
    Runs one rootless Pester file as the (unprivileged) user this process is, with the test rootfs made by that
    user (so its files are the user's: container root inside). Invoke-RootlessSuite.ps1 starts it through runuser.
#>
param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][string]$ResultPath)
$ErrorActionPreference = 'Stop'
Import-Module $env:MINIDOCKER_PESTER_MODULE -Force
$scratch = Join-Path $env:XDG_DATA_HOME '..' | Resolve-Path
$env:MINIDOCKER_TEST_ROOTFS = & (Join-Path $PSScriptRoot '../tools/New-TestRootfs.ps1') -Path (Join-Path $scratch 'rootfs') -TestBinary $env:MINIDOCKER_TEST_BINARY
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
@{ Passed = $result.PassedCount; Failed = $result.FailedCount; Skipped = $result.SkippedCount + $result.NotRunCount; Failures = @($result.Failed | ForEach-Object { $_.ExpandedPath }) } | ConvertTo-Json | Set-Content $ResultPath
