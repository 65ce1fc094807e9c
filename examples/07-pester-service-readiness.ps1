<#
.SYNOPSIS
    The Pester habit for infrastructure tests: one container per Describe, auto-removed, and a
    readiness wait before the first It (docs/pester.md explains each step).
#>
param([string]$RootFs = (Join-Path $PSScriptRoot '../out/rootfs'))
if (-not (Get-Module MiniDocker)) { Import-Module (Join-Path $PSScriptRoot '../out/MiniDocker') }
$pester = @($env:MINIDOCKER_PESTER_MODULE, (Join-Path $PSScriptRoot '../.tools/pester/pester/5.7.1/tools/Pester.psd1')) |
    Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
if ($pester) { Import-Module $pester } else { Import-Module Pester -MinimumVersion 5.0 }

$tests = {
    param($RootFs)
    Describe 'A web server in a container' {
        BeforeAll {
            # -AutoRemove: the container goes with everything it owns once it stops, even if a test fails.
            $script:web = New-MiniContainer $RootFs sh, -c, 'mkdir -p /www; echo hello > /www/index.html; echo starting; exec httpd -f -p 8080 -h /www' -AutoRemove -Init |
                Start-MiniContainer -PassThru
            # Ready when the server answers, checked from inside the container; fails the block after 30 s.
            $script:web | Wait-MiniContainer -Timeout 30 -ErrorAction Stop -Condition {
                (Invoke-MiniContainer -InputObject $_ -Command wget, -qO-, http://127.0.0.1:8080/ 2>$null) -eq 'hello'
            } | Out-Null
        }
        AfterAll { $script:web | Stop-MiniContainer -Timeout 2 }

        It 'serves the page' {
            Invoke-MiniContainer -InputObject $web -Command wget, -qO-, http://127.0.0.1:8080/index.html | Should -Be 'hello'
        }
        It 'answers 404 for a missing page' {
            Invoke-MiniContainer -InputObject $web -Command sh, -c, 'wget -qO- http://127.0.0.1:8080/nope 2>&1; echo "exit $?"' |
                Select-Object -Last 1 | Should -Be 'exit 1'
        }
        It 'logged its start before it was ready' {
            $web | Wait-MiniContainer -LogPattern '^starting$' -Timeout 5 | Should -Not -BeNullOrEmpty
        }
    }
}
$before = @(Get-MiniContainer).Id
$result = Invoke-Pester -Container (New-PesterContainer -ScriptBlock $tests -Data @{ RootFs = $RootFs }) -PassThru -Output None
"Tests Passed: $($result.PassedCount), Failed: $($result.FailedCount)"
# After AfterAll's stop, -AutoRemove has removed the container: nothing of it is left.
"Containers left: $(@(Get-MiniContainer | Where-Object Id -NotIn $before).Count)"
# Expect: ^Tests Passed: 3, Failed: 0$
# Expect: ^Containers left: 0$
