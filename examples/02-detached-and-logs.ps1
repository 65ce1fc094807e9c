<#
.SYNOPSIS
    Start a container in the background, carry on, then read its log and exit code.
#>
param([string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'))
if (-not (Get-Module MiniDocker)) { Import-Module (Join-Path $PSScriptRoot '../out/MiniDocker') }

$c = New-MiniContainer $RootFs sh, -c, 'for i in 1 2 3; do echo "tick $i"; sleep 0.2; done; echo done >&2; exit 4' |
    Start-MiniContainer -PassThru           # returns at once: the container runs under its own monitor
try {
    "state while running: $((Get-MiniContainer -Id $c.Id).State)"
    $done = $c | Wait-MiniContainer
    "state after: $($done.State), exit code $($done.ExitCode)"
    Get-MiniContainerLog -InputObject $c | ForEach-Object { '{0} {1,-6} {2}' -f $_.Timestamp.ToString('HH:mm:ss.fff'), $_.Stream, $_.Text }
    "last line: $((Get-MiniContainerLog -InputObject $c -Tail 1).Text)"
} finally {
    $c | Remove-MiniContainer -Force
}
# Expect: ^state while running: Running$
# Expect: ^state after: Exited, exit code 4$
# Expect: ^\d\d:\d\d:\d\d\.\d{3} stdout tick 3$
# Expect: ^last line: done$
