# cgroups on the real kernel: limits the kernel enforces (OOM kill, EAGAIN, CPU quota), live updates, stats,
# the freezer, cleanup, and bad input. Driver-agnostic: files are read by the container's own CgroupPaths (its record) with
# v1 and v2 names, so the same file runs on this v1 hybrid host and in the cgroup v2 VM (tests/vm).

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:v2 = (Get-CgroupVersion) -eq 'v2'

    function script:Start-TestContainer([string[]]$Command, [hashtable]$Options = @{}) {
        $c = New-MiniContainer -RootFs $rootfs -Command $Command -Name (New-TestName 'cg') @Options
        Start-MiniContainer -InputObject $c -PassThru
    }
    function script:Remove-TestContainer($c) {
        Remove-MiniContainer -Id $c.Id -Force -Confirm:$false
        Get-ContainerCgroupDirectory $c.Id | Should -BeNullOrEmpty
    }
}

Describe 'Memory limit and the OOM killer' {
    It 'kills a process that allocates above -Memory and reports OomKilled' {
        $r = Invoke-TestContainer -Command '/bin/mdtest', 'memhog', '64' -Options @{ Memory = 32MB }
        $r.Container.ExitCode | Should -Be 137
        $r.Container.OomKilled | Should -BeTrue
        ($r.Output | Select-Object -Last 1) | Should -Match '^allocated ([0-9]|[12][0-9]|3[01])$'
    }

    It 'lets a process below -Memory finish: exit 0 and OomKilled false' {
        $r = Invoke-TestContainer -Command '/bin/mdtest', 'memhog', '16' -Options @{ Memory = '64m' }
        $r.Container.ExitCode | Should -Be 0
        $r.Container.OomKilled | Should -BeFalse
        $r.Output[-1] | Should -Be 'allocated 16'
    }

    It 'does not call a plain SIGKILL (exit 137) an OOM kill' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30' @{ Memory = 64MB }
        $stopped = Stop-MiniContainer -InputObject $c -Timeout 0 -PassThru
        $stopped.ExitCode | Should -Be 137
        $stopped.OomKilled | Should -BeFalse
        Remove-TestContainer $c
    }

    It 'writes the limit into the cgroup, without swap unless -MemorySwap allows it' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30' @{ Memory = '48MB' }
        Get-ContainerCgroupValue $c -V1 memory.limit_in_bytes -V2 memory.max | Should -Be (48MB).ToString()
        # No swap by default: v2 memory.swap.max 0, v1 memsw equal to memory (when this kernel accounts swap at all).
        $dir = (Get-ContainerRecord (Get-MiniContainer -Id $c.Id)).CgroupPaths | Where-Object { Test-Path (Join-Path $_ $(if ($v2) { 'memory.swap.max' } else { 'memory.memsw.limit_in_bytes' })) }
        if ($dir) { Get-ContainerCgroupValue $c -V1 memory.memsw.limit_in_bytes -V2 memory.swap.max | Should -Be $(if ($v2) { '0' } else { (48MB).ToString() }) }
        Remove-TestContainer $c
    }
}

Describe 'Kernel values and the culture' {
    It 'writes -MemorySwap -1 as unlimited under sv-SE, whose -1 is U+2212 (cgroupfs refuses it: EINVAL)' {
        $swap = if ($v2) { @(Get-ChildItem /sys/fs/cgroup -Recurse -Depth 2 -Filter memory.swap.max -ErrorAction SilentlyContinue).Count -gt 0 }
                else { Test-Path /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes }
        if (-not $swap) { Set-ItResult -Skipped -Because 'this kernel accounts no swap'; return }
        $saved = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'sv-SE'
            (-1L).ToString() | Should -Be "$([char]0x2212)1"   # the control: this culture does write U+2212
            $c = Start-TestContainer '/bin/mdtest', 'sleep', '30' @{ Memory = '48MB'; MemorySwap = -1 }
        }
        finally { [cultureinfo]::CurrentCulture = $saved }
        Get-ContainerCgroupValue $c -V1 memory.memsw.limit_in_bytes -V2 memory.swap.max | Should -Be $(if ($v2) { 'max' } else { '9223372036854771712' })
        Remove-TestContainer $c
    }
}

Describe 'Pids limit' {
    It 'makes a fork bomb fail with EAGAIN at -PidsLimit, and the host can still fork' {
        $r = Invoke-TestContainer -Command '/bin/mdtest', 'forkbomb', '200' -Options @{ PidsLimit = 20 }
        $r.Output | Should -HaveCount 1
        $r.Output[0] -match '^forked (\d+) failed EAGAIN$' | Should -BeTrue -Because "the output was '$($r.Output[0])'"
        [int]$Matches[1] | Should -BeLessThan 20
        $r.Container.ExitCode | Should -Be 0
        (& /bin/sh -c 'echo host-ok') | Should -Be 'host-ok'
    }

    It 'gives every container the documented default of 4096' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30'
        Get-ContainerCgroupValue $c -V1 pids.max -V2 pids.max | Should -Be '4096'
        (Get-MiniContainerStat -InputObject $c).PidsLimit | Should -Be 4096
        Remove-TestContainer $c
    }
}

Describe 'CPU limits' {
    It 'holds a busy loop at -Cpus 0.5 to at most ~55% of a CPU by the cgroup''s own usage' {
        # Spins far longer than the window (a slow VM takes seconds per cmdlet); removed with -Force afterwards.
        $c = Start-TestContainer '/bin/mdtest', 'spin', '120' @{ Cpus = 0.5 }
        Get-ContainerCgroupValue $c -V1 cpu.cfs_quota_us -V2 cpu.max | Should -BeIn @('50000', '50000 100000')
        Start-Sleep -Milliseconds 300
        $a = Get-MiniContainerStat -InputObject $c
        Start-Sleep -Seconds 2   # the measurement window, not an assertion about our speed
        $b = Get-MiniContainerStat -InputObject $c
        $share = ($b.CpuTime - $a.CpuTime).TotalSeconds / ($b.Timestamp - $a.Timestamp).TotalSeconds
        Write-Host ("    observed CPU share at -Cpus 0.5: {0:P1}" -f $share)
        $share | Should -BeLessOrEqual 0.55
        $share | Should -BeGreaterThan 0.1   # it did spin (low bound only: other work shares this host's CPUs)
        Remove-TestContainer $c
    }

    It 'writes -CpuShares (v2: crun''s weight mapping) and -CpusetCpus' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30' @{ CpuShares = 1024; CpusetCpus = '0' }
        Get-ContainerCgroupValue $c -V1 cpu.shares -V2 cpu.weight | Should -Be $(if ($v2) { '100' } else { '1024' })
        Get-ContainerCgroupValue $c -V1 cpuset.cpus -V2 cpuset.cpus | Should -Be '0'
        Remove-TestContainer $c
    }
}

Describe 'Set-MiniContainerLimit' {
    It 'lowers memory live: the cgroup file changes and the next allocation is OOM-killed' {
        $c = Start-TestContainer 'sh', '-c', 'while true; do /bin/mdtest memhog 48 >/dev/null; echo "rc=$?"; sleep 1; done' @{ Memory = 256MB }
        Wait-Until { (Get-TestLog $c.Name) -contains 'rc=0' } | Should -BeTrue
        # The loop allocates for a few ms each second; should the write land then, v1 refuses it (EBUSY): try again.
        $err = $null
        foreach ($try in 1..5) {
            Get-MiniContainer -Id $c.Id | Set-MiniContainerLimit -Memory 32MB -ErrorVariable err -ErrorAction SilentlyContinue
            if (-not $err) { break }
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MemoryBelowUsage,*'
            Start-Sleep -Milliseconds 300
        }
        $err | Should -BeNullOrEmpty
        Get-ContainerCgroupValue $c -V1 memory.limit_in_bytes -V2 memory.max | Should -Be (32MB).ToString()
        (Get-MiniContainer -Id $c.Id).Limits.MemoryBytes | Should -Be 32MB
        Wait-Until { (Get-TestLog $c.Name) -contains 'rc=137' } | Should -BeTrue
        (Get-MiniContainerStat -InputObject $c).OomKills | Should -BeGreaterThan 0
        Remove-TestContainer $c
    }

    It 'raises memory live (v1: memsw before memory) and a larger allocation then succeeds' {
        $c = Start-TestContainer 'sh', '-c', 'while true; do /bin/mdtest memhog 48 >/dev/null; echo "rc=$?"; sleep 0.3; done' @{ Memory = 32MB }
        Wait-Until { (Get-TestLog $c.Name) -contains 'rc=137' } | Should -BeTrue
        Set-MiniContainerLimit -Name $c.Name -Memory 128MB
        Get-ContainerCgroupValue $c -V1 memory.limit_in_bytes -V2 memory.max | Should -Be (128MB).ToString()
        Wait-Until { (Get-TestLog $c.Name) -contains 'rc=0' } | Should -BeTrue
        Remove-TestContainer $c
    }

    It 'lowering memory below what tmpfs holds: v1 refuses with MemoryBelowUsage, v2 accepts and OOM-kills' {
        $c = Start-TestContainer 'sh', '-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 2>/dev/null && echo filled && sleep 30' @{ Memory = 256MB }
        Wait-Until { (Get-TestLog $c.Name) -contains 'filled' } | Should -BeTrue
        if ($v2) {
            # memory.max takes the value at once; the kernel then OOM-kills, often before we could read the file back.
            Set-MiniContainerLimit -Id $c.Id -Memory 32MB -ErrorVariable err
            $err | Should -BeNullOrEmpty
            Wait-Until { (Get-MiniContainer -Id $c.Id).State -eq 'Exited' } | Should -BeTrue
            (Get-MiniContainer -Id $c.Id).OomKilled | Should -BeTrue
        } else {
            Set-MiniContainerLimit -Id $c.Id -Memory 32MB -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MemoryBelowUsage,*'
            Get-ContainerCgroupValue $c -V1 memory.limit_in_bytes -V2 memory.max | Should -Be (256MB).ToString()
            (Get-MiniContainer -Id $c.Id).Limits.MemoryBytes | Should -Be 256MB
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Running'
        }
        Remove-TestContainer $c
    }

    It 'changes CPU and pids limits live' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30' @{ Cpus = 1 }
        Set-MiniContainerLimit -InputObject $c -Cpus 0.25 -PidsLimit 50
        Get-ContainerCgroupValue $c -V1 cpu.cfs_quota_us -V2 cpu.max | Should -BeIn @('25000', '25000 100000')
        Get-ContainerCgroupValue $c -V1 pids.max -V2 pids.max | Should -Be '50'
        Remove-TestContainer $c
    }

    It 'stores the limits of a created container for its start' {
        $c = New-MiniContainer -RootFs $rootfs -Command '/bin/mdtest', 'sleep', '30' -Name (New-TestName 'cg')
        $updated = Set-MiniContainerLimit -InputObject $c -Memory '40m' -PassThru
        $updated.Limits.MemoryBytes | Should -Be 40MB
        $c = Start-MiniContainer -InputObject $c -PassThru
        Get-ContainerCgroupValue $c -V1 memory.limit_in_bytes -V2 memory.max | Should -Be (40MB).ToString()
        Remove-TestContainer $c
    }

    It 'changes nothing with -WhatIf' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30' @{ Memory = 64MB }
        Set-MiniContainerLimit -InputObject $c -Memory 32MB -WhatIf
        Get-ContainerCgroupValue $c -V1 memory.limit_in_bytes -V2 memory.max | Should -Be (64MB).ToString()
        Remove-TestContainer $c
    }
}

Describe 'Get-MiniContainerStat' {
    It 'reports memory usage, peak and limit, CPU time, pids and OOM kills from the cgroup' {
        $c = Start-TestContainer 'sh', '-c', '/bin/mdtest memhog 20 >/dev/null; /bin/mdtest spin 0.5; echo ready; sleep 30; echo never' @{ Memory = 64MB }
        Wait-Until { (Get-TestLog $c.Name) -contains 'ready' } | Should -BeTrue
        $s = Get-MiniContainerStat -Name $c.Name
        $s | Should -BeOfType ([MiniDocker.ContainerStats])
        $s.Name | Should -Be $c.Name
        $s.MemoryLimit | Should -Be 64MB
        $s.MemoryUsage | Should -BeGreaterThan 0
        if ($null -ne $s.MemoryPeak) { $s.MemoryPeak | Should -BeGreaterOrEqual 20MB }
        $s.CpuTime.TotalSeconds | Should -BeGreaterThan 0.1   # the spin's share of a shared host
        $s.PidsCurrent | Should -BeGreaterOrEqual 2   # sh and sleep
        $s.OomKills | Should -Be 0
        ($s | Format-Table | Out-String -Width 200) | Should -Match ([regex]::Escape($c.Name))
        Remove-TestContainer $c
    }

    It 'streams samples with a CPU percentage until the container exits' {
        # It spins until the fourth sample opens its gate, not for a time: a loaded host or the emulated v2 VM
        # could let a timed run end before the first sample.
        $gate = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'stat-gate')
        $c = Start-TestContainer '/bin/sh', '-c', 'while [ ! -e /gate/stop ]; do :; done' @{ Cpus = 0.5; Volume = "${gate}:/gate" }
        $n = 0
        $samples = @(Get-MiniContainerStat -InputObject $c -Stream -Interval 0.2 | ForEach-Object {
                if (++$n -eq 4) { New-Item -ItemType File (Join-Path $gate 'stop') | Out-Null }
                $_
            })
        $samples.Count | Should -BeGreaterOrEqual 4
        (Get-MiniContainer -Id $c.Id).State | Should -Be Exited   # the stream ended because the container did
        $samples[1..($samples.Count - 1)] | ForEach-Object { $_.CpuPercent | Should -Not -BeNullOrEmpty }
        Remove-TestContainer $c
    }

    It 'says ContainerNotRunning for a container that is not running' {
        $c = New-MiniContainer -RootFs $rootfs -Command true -Name (New-TestName 'cg')
        Get-MiniContainerStat -InputObject $c -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning,*'
        Remove-TestContainer $c
    }
}

Describe 'Suspend-MiniContainer and Resume-MiniContainer' {
    It 'freezes a container so it makes no progress, and resumes it' {
        $c = Start-TestContainer '/bin/mdtest', 'lines', '100000', '20'
        Wait-Until { (Get-TestLog $c.Name).Count -ge 3 } | Should -BeTrue
        (Suspend-MiniContainer -InputObject $c -PassThru).State | Should -Be 'Paused'
        (Get-MiniContainer -Id $c.Id).State | Should -Be 'Paused'
        Get-ContainerCgroupValue $c -V1 freezer.state -V2 cgroup.freeze | Should -BeIn @('FROZEN', '1')
        # Lines written just before the freeze may still be in the pipe to the monitor (which is not frozen, and a
        # loaded host may not run it at once): count once the log holds still for 200 ms. Unfrozen, it never would.
        $seen = @{ Count = -1 }
        Wait-Until { $now = (Get-TestLog $c.Name).Count; $still = $now -eq $seen.Count; $seen.Count = $now; if (-not $still) { Start-Sleep -Milliseconds 200 }; $still } | Should -BeTrue
        $frozenAt = $seen.Count
        Start-Sleep -Milliseconds 500   # twenty-five lines' worth of time
        (Get-TestLog $c.Name).Count | Should -Be $frozenAt
        (Resume-MiniContainer -InputObject $c -PassThru).State | Should -Be 'Running'
        Wait-Until { (Get-TestLog $c.Name).Count -gt $frozenAt + 3 } | Should -BeTrue
        Remove-TestContainer $c
    }

    It 'stops a paused container (thawed so it sees SIGTERM) and leaves no cgroup' {
        $c = Start-TestContainer 'sh', '-c', 'trap "echo got-term; exit 143" TERM; echo armed; while true; do sleep 0.1; done'
        Wait-Until { (Get-TestLog $c.Name) -contains 'armed' } | Should -BeTrue
        Suspend-MiniContainer -InputObject $c
        $stopped = Stop-MiniContainer -InputObject $c -Timeout 5 -PassThru
        $stopped.State | Should -Be 'Exited'
        $stopped.ExitCode | Should -Be 143
        Get-TestLog $c.Name | Should -Contain 'got-term'
        Remove-TestContainer $c
    }

    It 'keeps the shared v1 parent when its last container goes (the next start need not make it again)' {
        if ($v2) { Set-ItResult -Skipped -Because 'the v2 driver removes its empty parent (CgroupV2.Tests.ps1)'; return }
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30'
        $dirs = @((Get-ContainerRecord $c).CgroupPaths)
        $dirs.Count | Should -BeGreaterThan 0
        Remove-TestContainer $c
        foreach ($d in $dirs) {
            $d | Should -Not -Exist
            Split-Path $d | Should -Exist
        }
    }

    It 'removes a paused container with -Force' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30'
        Suspend-MiniContainer -InputObject $c
        Remove-TestContainer $c
        Get-MiniContainer -Id $c.Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses to pause a container that is not running, and to resume one that is not paused' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30'
        Resume-MiniContainer -InputObject $c -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotPaused,*'
        Stop-MiniContainer -InputObject $c -Timeout 0
        Suspend-MiniContainer -InputObject $c -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning,*'
        Remove-TestContainer $c
    }
}

Describe 'Bad limits' {
    BeforeEach {
        $script:before = @(Get-ChildItem (Join-Path $env:MINIDOCKER_ROOT 'containers') -Directory -ErrorAction SilentlyContinue).Count
    }
    AfterEach {
        @(Get-ChildItem (Join-Path $env:MINIDOCKER_ROOT 'containers') -Directory -ErrorAction SilentlyContinue).Count | Should -Be $script:before
    }

    It 'rejects <Case> with <ErrorId>' -ForEach @(
        @{ Case = 'a negative memory size'; ErrorId = 'InvalidMemorySize'; Limits = @{ Memory = -5 } }
        @{ Case = 'a zero memory size'; ErrorId = 'InvalidMemorySize'; Limits = @{ Memory = 0 } }
        @{ Case = 'a garbage memory size'; ErrorId = 'InvalidMemorySize'; Limits = @{ Memory = 'lots' } }
        @{ Case = 'an overflowing memory size'; ErrorId = 'InvalidMemorySize'; Limits = @{ Memory = '99999999999g' } }
        @{ Case = 'memory below 6 MB'; ErrorId = 'InvalidMemorySize'; Limits = @{ Memory = 1MB } }
        @{ Case = 'swap below memory'; ErrorId = 'MemorySwapBelowMemory'; Limits = @{ Memory = 64MB; MemorySwap = 32MB } }
        @{ Case = 'swap without memory'; ErrorId = 'MemorySwapWithoutMemory'; Limits = @{ MemorySwap = 64MB } }
        @{ Case = 'more CPUs than the host has'; ErrorId = 'InvalidCpus'; Limits = @{ Cpus = [Environment]::ProcessorCount + 1 } }
        @{ Case = 'zero CPUs'; ErrorId = 'InvalidCpus'; Limits = @{ Cpus = 0 } }
        @{ Case = 'a cpuset out of range'; ErrorId = 'InvalidCpuset'; Limits = @{ CpusetCpus = '0-4096' } }
        @{ Case = 'a malformed cpuset'; ErrorId = 'InvalidCpuset'; Limits = @{ CpusetCpus = '1-0,x' } }
        @{ Case = 'shares out of range'; ErrorId = 'InvalidCpuShares'; Limits = @{ CpuShares = 1 } }
        @{ Case = 'a zero pids limit'; ErrorId = 'InvalidPidsLimit'; Limits = @{ PidsLimit = 0 } }
    ) {
        $err = { New-MiniContainer -RootFs $rootfs -Command true @Limits } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'rejects a bad live update and leaves the cgroup and the record as they were' {
        $c = Start-TestContainer '/bin/mdtest', 'sleep', '30' @{ Memory = 64MB; Cpus = 1 }
        $script:before++
        Set-MiniContainerLimit -InputObject $c -Cpus 0.5 -Memory 'garbage' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMemorySize,*'
        $err[0].TargetObject.Name | Should -Be $c.Name
        Get-ContainerCgroupValue $c -V1 cpu.cfs_quota_us -V2 cpu.max | Should -BeIn @('100000', '100000 100000')
        Get-ContainerCgroupValue $c -V1 memory.limit_in_bytes -V2 memory.max | Should -Be (64MB).ToString()
        (Get-MiniContainer -Id $c.Id).Limits.Cpus | Should -Be 1
        Remove-TestContainer $c
        $script:before--
    }

    It 'needs at least one limit' {
        { Set-MiniContainerLimit -Name anything } | Should -Throw -ErrorId 'NoLimitGiven,*'
    }
}
