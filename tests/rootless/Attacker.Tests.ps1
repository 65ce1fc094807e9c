# A second ordinary user against the first one's running container (Invoke-RootlessSuite.ps1 runs this AS
# mdrootless2 while mdrootless keeps 'victim' running): it can neither list, stop, enter nor read it.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:victimPid = $env:MD_VICTIM_PID
    $script:victimState = $env:MD_VICTIM_STATE_ROOT
    $script:victimRun = $env:MD_VICTIM_RUN_ROOT
}

Describe 'Another user' {
    It 'has a victim to attack' {
        $victimPid | Should -Not -BeNullOrEmpty
        Test-Path "/proc/$victimPid" | Should -BeTrue
        [int](id -u) | Should -Not -Be 0
    }
    It 'does not see the victim''s container with its own roots' {
        @(Get-MiniContainer | Where-Object Name -eq 'victim').Count | Should -Be 0
    }
    It 'cannot list, stop or enter it by pointing MINIDOCKER_ROOT at the victim''s state' {
        $saved = $env:MINIDOCKER_ROOT
        $env:MINIDOCKER_ROOT = $victimState
        try {
            # Refused (access denied) or an empty list: never the victim.
            $listed = @(try { Get-MiniContainer -ErrorAction SilentlyContinue } catch { $_.Exception.GetType().Name | Should -Match 'UnauthorizedAccess|MiniDocker' })
            @($listed | Where-Object { $_ -is [MiniDocker.Container] -and $_.Name -eq 'victim' }).Count | Should -Be 0
            # Each is refused: a terminating or a non-terminating error, never success.
            $refused = 0
            try { Stop-MiniContainer -Name victim -Timeout 1 -ErrorAction Stop } catch { $refused++ }
            try { Invoke-MiniContainer -Name victim -Command /bin/true -ErrorAction Stop } catch { $refused++ }
            $refused | Should -Be 2
        }
        finally { if ($saved) { $env:MINIDOCKER_ROOT = $saved } else { Remove-Item Env:MINIDOCKER_ROOT } }
        Test-Path "/proc/$victimPid" | Should -BeTrue
    }
    It 'gets a specific error, not a raw access error, for MINIDOCKER_ROOT at the victim''s state' {
        $saved = $env:MINIDOCKER_ROOT
        $env:MINIDOCKER_ROOT = $victimState
        try {
            foreach ($verb in { Get-MiniContainer -ErrorAction Stop }, { Get-MiniImage -ErrorAction Stop }, { New-MiniContainer $env:MINIDOCKER_TEST_ROOTFS /bin/true -ErrorAction Stop }) {
                $err = $null
                try { & $verb | Out-Null } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -BeLike 'RootlessStateRootNotOwned,*'
                "$err" | Should -BeLike "*$victimState*MINIDOCKER_ROOT*"
            }
            # A state root that exists but is someone else's (root's /var/tmp) is refused too, and nothing is made in it.
            $env:MINIDOCKER_ROOT = '/var/tmp'
            $err = $null
            try { Get-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'RootlessStateRootNotOwned,*'
            "$err" | Should -BeLike "*belongs to user 'root'*"
            Test-Path /var/tmp/containers | Should -BeFalse
        }
        finally { if ($saved) { $env:MINIDOCKER_ROOT = $saved } else { Remove-Item Env:MINIDOCKER_ROOT } }
    }
    It 'cannot read the victim''s state, run state or the container''s files' {
        { Get-ChildItem $victimState -ErrorAction Stop } | Should -Throw
        { Get-ChildItem $victimRun -ErrorAction Stop } | Should -Throw
        { Get-Content "/proc/$victimPid/root/root/secret" -ErrorAction Stop } | Should -Throw
        { Get-Content "/proc/$victimPid/environ" -ErrorAction Stop } | Should -Throw
    }
    It 'cannot signal the victim''s init or join its namespaces' {
        & kill -KILL $victimPid 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        & nsenter -t $victimPid -U -m -p -- /bin/true 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        Test-Path "/proc/$victimPid" | Should -BeTrue
    }
}
