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

<# 'v2' when /sys/fs/cgroup is cgroup2 (unified), else 'v1' (legacy or hybrid): the drivers choose the same way. #>
function Get-CgroupVersion {
    if ((stat -f -c %T /sys/fs/cgroup) -eq 'cgroup2fs') { 'v2' } else { 'v1' }
}

<#
.SYNOPSIS
    Reads a cgroup interface file of a running container, by the container's own CgroupPaths: -V1 names the
    file on a v1 host (searched in each hierarchy's directory), -V2 on a unified host. Returns the trimmed text.
.EXAMPLE
    Get-ContainerCgroupValue -Container $c -V1 memory.limit_in_bytes -V2 memory.max
#>
function Get-ContainerCgroupValue {
    param(
        [Parameter(Mandatory)]$Container,
        [Parameter(Mandatory)][string]$V1,
        [Parameter(Mandatory)][string]$V2
    )
    $c = Get-ContainerRecord (Get-MiniContainer -Id $Container.Id)
    $file = if ((Get-CgroupVersion) -eq 'v2') { $V2 } else { $V1 }
    foreach ($dir in $c.CgroupPaths) {
        $path = Join-Path $dir $file
        if (Test-Path $path) { return ([IO.File]::ReadAllText($path)).Trim() }
    }
    throw "No cgroup directory of container $($c.Name) has $file (paths: $($c.CgroupPaths -join ', '))."
}

<#
.SYNOPSIS
    The container's record as the engine persists it, runtime bookkeeping included (CgroupPaths,
    PidStartTime, MonitorStartTime, LogStartOffset): what Get-MiniContainer does not show users.
#>
function Get-ContainerRecord {
    param([Parameter(Mandatory)]$Container)
    [MiniDocker.Engine.Containers.ContainerStore]::new([MiniDocker.Engine.EngineOptions]::new().ContainersRoot).Load($Container.Id)
}

<# The text lines container NAME has logged so far (stdout and stderr). #>
function Get-TestLog([string]$Name) { @(Get-MiniContainerLog -Name $Name | ForEach-Object Text) }

<# Polls SCRIPT until it returns true or TIMEOUT seconds pass; returns the last value. #>
# Inside the cgroup v2 VM (qemu, emulated) pwsh runs 13-25x slower: waits stretch accordingly.
$script:TimeoutScale = if ($env:MINIDOCKER_IN_VM -eq '1') { 8 } else { 1 }

function Wait-Until([scriptblock]$Script, [double]$Timeout = 10) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Timeout * $script:TimeoutScale)
    do {
        $v = & $Script
        if ($v) { return $v }
        Start-Sleep -Milliseconds 50
    } while ([DateTime]::UtcNow -lt $deadline)
    $v
}

# A real terminal for interactive tests: a pwsh on a tmux pane of its own, one at a time per test file.
$script:TerminalSocket = $null

<#
.SYNOPSIS
    Starts a pwsh with this session's MiniDocker settings (state root, run root, cgroup parent, ...)
    on a new tmux server named SOCKET; returns true once its prompt shows.
#>
function Start-TestTerminal([string]$Socket) {
    $script:TerminalSocket = $Socket
    $pwsh = Join-Path $PSHOME pwsh
    $names = @(Get-ChildItem env: | Where-Object Name -like 'MINIDOCKER_*' | ForEach-Object Name) + 'POWERSHELL_TELEMETRY_OPTOUT'
    $envs = $names | ForEach-Object { "$_='$([Environment]::GetEnvironmentVariable($_))'" }
    tmux -L $Socket new-session -d -s tty -x 100 -y 30 "env $($envs -join ' ') '$pwsh' -NoProfile -NoLogo"
    Wait-Until { (Get-Pane) -match 'PS .*>' } 20
}

<# The terminal's screen as text. #>
function Get-Pane { (tmux -L $script:TerminalSocket capture-pane -p -t tty) -join "`n" }

<# Types TEXT and Enter into the terminal. #>
function Send-Line([string]$Text) { tmux -L $script:TerminalSocket send-keys -t tty -l $Text; tmux -L $script:TerminalSocket send-keys -t tty Enter }

Export-ModuleMember -Function New-TestName, Invoke-TestContainer, Get-ContainerCgroupDirectory, Get-ContainerRecord, Wait-Until, Get-CgroupVersion, Get-ContainerCgroupValue, Get-TestLog, Start-TestTerminal, Get-Pane, Send-Line
