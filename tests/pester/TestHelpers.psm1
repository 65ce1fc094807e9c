# Helpers shared by the Pester suites. Every helper runs real containers on the real kernel.

function New-TestName([string]$Prefix = 't') { "$Prefix-" + [guid]::NewGuid().ToString('n').Substring(0, 8) }

<#
.SYNOPSIS
    Creates and runs a container to completion; returns @{ Output = stdout lines; Container = the exited container }.
#>
function Invoke-TestContainer {
    param(
        [Parameter(Mandatory)][string[]]$Command,
        [string]$RootFs = $env:MINIDOCKER_TEST_ROOTFS,
        [hashtable]$Options = @{},
        [switch]$Keep
    )
    $name = New-TestName 'run'
    $c = New-MiniContainer -RootFs $RootFs -Command $Command -Name $name @Options
    $out = @(Start-MiniContainer -InputObject $c -Wait 2>$null)
    $done = Get-MiniContainer -Name $name
    if (-not $Keep) { Remove-MiniContainer -Name $name -Force -Confirm:$false }
    [pscustomobject]@{ Output = [string[]]$out; Container = $done }
}

<# All cgroup directories belonging to container ID in any hierarchy (v1) or the unified tree. #>
function Get-ContainerCgroupDirectory([string]$Id) {
    @(Get-ChildItem /sys/fs/cgroup -Recurse -Directory -Filter $Id -ErrorAction SilentlyContinue)
}

<# Polls SCRIPT until it returns true or TIMEOUT seconds pass; returns the last value. #>
function Wait-Until([scriptblock]$Script, [double]$Timeout = 10) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Timeout)
    do {
        $v = & $Script
        if ($v) { return $v }
        Start-Sleep -Milliseconds 50
    } while ([DateTime]::UtcNow -lt $deadline)
    $v
}

Export-ModuleMember -Function New-TestName, Invoke-TestContainer, Get-ContainerCgroupDirectory, Wait-Until
