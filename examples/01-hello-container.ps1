<#
.SYNOPSIS
    Hello, container: run one command in its own namespaces, see its output, clean up.
#>
param([string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'))
if (-not (Get-Module MiniDocker)) { Import-Module (Join-Path $PSScriptRoot '../out/MiniDocker') }

$c = New-MiniContainer $RootFs sh, -c, 'echo "hello from $(hostname), I am PID $$"' -Hostname hello
try {
    $c | Start-MiniContainer -Wait          # streams stdout, sets $LASTEXITCODE
    "exit code: $LASTEXITCODE"
} finally {
    $c | Remove-MiniContainer -Force
}
# Expect: ^hello from hello, I am PID 1$
# Expect: ^exit code: 0$
