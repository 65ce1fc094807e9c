<#
.SYNOPSIS
    Housekeeping with the pipeline: remove the exited containers, keep the running ones.
#>
param([string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'))
if (-not (Get-Module MiniDocker)) { Import-Module (Join-Path $PSScriptRoot '../out/MiniDocker') }

# A name prefix of our own, so the cleanup never touches anybody else's containers.
$prefix = 'cookbook-' + (Get-Random -Maximum 0xffff).ToString('x4')
1..2 | ForEach-Object { New-MiniContainer $RootFs true -Name "$prefix-job$_" } | Start-MiniContainer -PassThru | Wait-MiniContainer | Out-Null
New-MiniContainer $RootFs sleep, 60 -Name "$prefix-service" -Init | Start-MiniContainer

Get-MiniContainer -Name "$prefix-*" | Format-Table Name, State, ExitCode | Out-String -Stream | Where-Object { $_ }

# docker container prune, PowerShell style:
Get-MiniContainer -Name "$prefix-*" | Where-Object State -eq Exited | Remove-MiniContainer

"left: $((Get-MiniContainer -Name "$prefix-*").Name -replace "^$prefix-")"
Get-MiniContainer -Name "$prefix-*" | Remove-MiniContainer -Force
# Expect: job1\s+Exited\s+0
# Expect: service\s+Running
# Expect: ^left: service$
