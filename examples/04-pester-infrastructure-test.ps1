<#
.SYNOPSIS
    An infrastructure test with Pester: start a container and assert what is really true inside
    around it (its state, its cgroup's pids limit, a clean stop).
#>
param([string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'))
if (-not (Get-Module MiniDocker)) { Import-Module (Join-Path $PSScriptRoot '../out/MiniDocker') }
$pester = @($env:MINIDOCKER_PESTER_MODULE, (Join-Path $PSScriptRoot '../.tools/pester/pester/5.7.1/tools/Pester.psd1')) |
    Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
if ($pester) { Import-Module $pester } else { Import-Module Pester -MinimumVersion 5.0 }

$tests = {
    param($RootFs)
    Describe 'A service container' {
        BeforeAll {
            $script:c = New-MiniContainer $RootFs sleep, 60 -Init | Start-MiniContainer -PassThru
        }
        AfterAll { $script:c | Remove-MiniContainer -Force }

        It 'is running' {
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Running'
        }
        It 'has a cgroup with the default pids limit' {
            $stat = Get-MiniContainerStat -Id $c.Id   # read from the container's cgroup files
            $stat.PidsLimit | Should -Be 4096
            $stat.PidsCurrent | Should -BeGreaterThan 0
        }
        It 'stops on SIGTERM with exit code 143' {
            (Stop-MiniContainer -InputObject $c -PassThru).ExitCode | Should -Be 143
        }
    }
}
$result = Invoke-Pester -Container (New-PesterContainer -ScriptBlock $tests -Data @{ RootFs = $RootFs }) -PassThru -Output None
"Tests Passed: $($result.PassedCount), Failed: $($result.FailedCount)"
# Expect: ^Tests Passed: 3, Failed: 0$
