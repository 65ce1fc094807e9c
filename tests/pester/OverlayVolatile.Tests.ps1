# An -AutoRemove container's overlay is mounted `volatile` (issue 15): its layer is deleted when it stops, so the
# sync of the upper filesystem at unmount (on the container's exit path) is skipped. Every other container keeps
# the sync. The kernel checks: the option in the container's own mountinfo.

BeforeDiscovery {
    # The option is Linux 5.10's; on an older kernel the engine leaves it out.
    $release = (uname -r) -replace '^(\d+\.\d+).*', '$1'
    $script:hasVolatile = [version]$release -ge [version]'5.10'
}

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:stateRoot = $env:MINIDOCKER_ROOT

    # The super options of the container's root mount, as the kernel shows them to its init.
    function Get-RootMountOptions([int]$InitPid) {
        $line = Get-Content "/proc/$InitPid/mountinfo" | Where-Object { ($_ -split ' ')[4] -eq '/' } | Select-Object -First 1
        ($line -split ' - ', 2)[1]
    }
}

Describe 'The overlay of an auto-remove container' {
    It 'is volatile for -AutoRemove and not for a container that keeps its layer' -Skip:(-not $hasVolatile) {
        $gone = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) -AutoRemove | Start-MiniContainer -PassThru
        $kept = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            $g = Get-RootMountOptions $gone.Pid
            $k = Get-RootMountOptions $kept.Pid
            $g | Should -BeLike 'overlay *'
            $k | Should -BeLike 'overlay *'
            # 5.10 shows `volatile`; later kernels `fsync=volatile` (beside fsync=auto/strict).
            $isVolatile = { param($o) [bool](@($o -split ',') | Where-Object { $_ -in 'volatile', 'fsync=volatile' }) }
            & $isVolatile $g | Should -BeTrue
            & $isVolatile $k | Should -BeFalse
        }
        finally {
            Remove-MiniContainer -Id $gone.Id -Force -ErrorAction SilentlyContinue
            Remove-MiniContainer -Id $kept.Id -Force -ErrorAction SilentlyContinue
        }
    }

    It 'writes, exits with its code and leaves nothing' {
        $c = New-MiniContainer $rootfs sh, -c, 'echo data > /written && cat /written && exit 3' -Name (New-TestName) -AutoRemove
        @($c | Start-MiniContainer -Wait) | Should -Be @('data')
        $LASTEXITCODE | Should -Be 3
        Test-Path (Join-Path $stateRoot "containers/$($c.Id)") | Should -BeFalse
        @(Get-Content /proc/self/mountinfo) -match $c.Id | Should -BeNullOrEmpty
    }

    It 'starts although a volatile run that never finished left work/work/incompat/volatile behind' -Skip:(-not $hasVolatile) {
        # What a host crash during a run leaves: overlay refuses to mount over that marker (the upper may be torn);
        # the engine makes a fresh work dir, and an auto-remove container's upper only ever held a run that is over.
        $c = New-MiniContainer $rootfs sh, -c, 'echo started' -Name (New-TestName) -AutoRemove
        try {
            New-Item -ItemType Directory -Force (Join-Path $stateRoot "containers/$($c.Id)/work/work/incompat/volatile") | Out-Null
            @($c | Start-MiniContainer -Wait) | Should -Be @('started')
            $LASTEXITCODE | Should -Be 0
            Test-Path (Join-Path $stateRoot "containers/$($c.Id)") | Should -BeFalse
        }
        finally { Remove-MiniContainer -Id $c.Id -Force -ErrorAction SilentlyContinue }
    }
}
