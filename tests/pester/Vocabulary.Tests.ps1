# Docker verbs beyond run/stop/rm: kill -s (Stop-MiniContainer -Signal), rename, info/version,
# each against real containers and the host's real facts.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
}

Describe 'Stop-MiniContainer -Signal (docker kill -s)' {
    It 'sends HUP to a shell that traps it: the trap runs and the container keeps running' {
        $name = New-TestName
        $c = New-MiniContainer $rootfs sh, '-c', 'trap "echo got-hup" HUP; echo ready; while true; do sleep 0.1; done' -Name $name | Start-MiniContainer -PassThru
        try {
            Wait-Until { (Get-TestLog $name) -contains 'ready' } | Should -BeTrue
            $r = Stop-MiniContainer -Name $name -Signal HUP -PassThru
            $r.Id | Should -Be $c.Id
            Wait-Until { (Get-TestLog $name) -contains 'got-hup' } | Should -BeTrue
            (Get-MiniContainer -Name $name).State | Should -Be 'Running'
        }
        finally { Remove-MiniContainer -Name $name -Force }
    }

    It 'KILL ends the container with exit code 137; the name, SIG prefix and number forms are the same signal' -ForEach @(
        @{ Signal = 'KILL' }, @{ Signal = 'sigkill' }, @{ Signal = '9' }
    ) {
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Stop-MiniContainer -InputObject $c -Signal $Signal
            $w = Wait-MiniContainer -InputObject $c -Timeout 20
            $w.State | Should -Be 'Exited'
            $w.ExitCode | Should -Be 137
        }
        finally { Remove-MiniContainer -InputObject $c -Force }
    }

    It 'sends only the signal: TERM to a trapping shell is handled, with no KILL after it' {
        # Without -Signal, Stop would follow an unanswered TERM with KILL; here the shell exits 3 on its own.
        $name = New-TestName
        $c = New-MiniContainer $rootfs sh, '-c', 'trap "echo got-term; exit 3" TERM; echo ready; while true; do sleep 0.1; done' -Name $name | Start-MiniContainer -PassThru
        try {
            Wait-Until { (Get-TestLog $name) -contains 'ready' } | Should -BeTrue
            Stop-MiniContainer -InputObject $c -Signal TERM
            (Wait-MiniContainer -InputObject $c -Timeout 20).ExitCode | Should -Be 3
            Get-TestLog $name | Should -Contain 'got-term'
        }
        finally { Remove-MiniContainer -InputObject $c -Force }
    }

    It 'rejects an unknown signal with InvalidSignal and touches no container' -ForEach @(
        @{ Signal = 'BOGUS' }, @{ Signal = '65' }, @{ Signal = '0' }, @{ Signal = 'RTMIN+40' }
    ) {
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            { Stop-MiniContainer -InputObject $c -Signal $Signal -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSignal,*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Running'
        }
        finally { Remove-MiniContainer -InputObject $c -Force }
    }

    It 'completes signal names, and a completed name is accepted' {
        $line = 'Stop-MiniContainer x -Signal US'
        $names = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
        $names | Should -Be @('USR1', 'USR2')
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            $line = 'Stop-MiniContainer x -Signal KI'
            Stop-MiniContainer -InputObject $c -Signal @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)[0]
            (Wait-MiniContainer -InputObject $c -Timeout 20).ExitCode | Should -Be 137
        }
        finally { Remove-MiniContainer -InputObject $c -Force }
    }

    It 'is ContainerNotRunning for a container that has not been started' {
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName)
        try {
            Stop-MiniContainer -InputObject $c -Signal HUP -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning,*'
            $err[0].TargetObject.Id | Should -Be $c.Id
        }
        finally { Remove-MiniContainer -InputObject $c -Force }
    }
}

Describe 'Rename-MiniContainer (docker rename)' {
    It 'renames a running container: same id, found by the new name only, still running and stoppable' {
        $old = New-TestName; $new = New-TestName
        $c = New-MiniContainer $rootfs sleep, 60 -Name $old | Start-MiniContainer -PassThru
        try {
            $r = Rename-MiniContainer -Name $old -NewName $new -PassThru
            $r.Name | Should -Be $new
            $r.Id | Should -Be $c.Id
            (Get-MiniContainer -Name $new).Id | Should -Be $c.Id
            Get-MiniContainer -Name $old -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-MiniContainer -Name $new).State | Should -Be 'Running'
            (Stop-MiniContainer -Name $new -Signal KILL -PassThru).Id | Should -Be $c.Id
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'frees the old name and takes the new one for New-MiniContainer' {
        $old = New-TestName; $new = New-TestName
        $c = New-MiniContainer $rootfs true -Name $old
        try {
            Rename-MiniContainer -Name $old -NewName $new
            { New-MiniContainer $rootfs true -Name $new -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNameInUse*'
            $d = New-MiniContainer $rootfs true -Name $old
            $d.Id | Should -Not -Be $c.Id
            Remove-MiniContainer -InputObject $d
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'refuses a name another container has (ContainerNameInUse) and changes nothing' {
        $a = New-MiniContainer $rootfs true -Name (New-TestName)
        $b = New-MiniContainer $rootfs true -Name (New-TestName)
        try {
            Rename-MiniContainer -InputObject $a -NewName $b.Name -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNameInUse,*'
            $err[0].TargetObject.Id | Should -Be $a.Id
            (Get-MiniContainer -Id $a.Id).Name | Should -Be $a.Name
            (Get-MiniContainer -Id $b.Id).Name | Should -Be $b.Name
        }
        finally { $a, $b | Remove-MiniContainer -Force }
    }

    It 'refuses an invalid name (InvalidContainerName) and changes nothing' -ForEach @(
        @{ NewName = '-leading-dash' }, @{ NewName = 'has/slash' }, @{ NewName = ('x' * 129) }
    ) {
        $c = New-MiniContainer $rootfs true -Name (New-TestName)
        try {
            Rename-MiniContainer -InputObject $c -NewName $NewName -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidContainerName,*'
            (Get-MiniContainer -Id $c.Id).Name | Should -Be $c.Name
        }
        finally { Remove-MiniContainer -InputObject $c -Force }
    }

    It 'changes nothing with -WhatIf' {
        $c = New-MiniContainer $rootfs true -Name (New-TestName)
        try {
            Rename-MiniContainer -InputObject $c -NewName (New-TestName) -WhatIf
            (Get-MiniContainer -Id $c.Id).Name | Should -Be $c.Name
        }
        finally { Remove-MiniContainer -InputObject $c -Force }
    }
}

Describe 'Get-MiniSystemInfo (docker info / version)' {
    BeforeAll {
        $script:running = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        $script:created = New-MiniContainer $rootfs true -Name (New-TestName)
        $script:info = Get-MiniSystemInfo
    }
    AfterAll { $running, $created | Remove-MiniContainer -Force }

    It 'is one MiniDocker.SystemInfo object' {
        @(Get-MiniSystemInfo).Count | Should -Be 1
        $info.PSObject.TypeNames[0] | Should -Be 'MiniDocker.SystemInfo'
    }

    It 'reports the kernel release uname -r reports and the module''s version' {
        $info.KernelRelease | Should -Be (uname -r)
        $info.ModuleVersion | Should -Be (Get-Module MiniDocker).Version.ToString()
    }

    It 'reports the cgroup mode /sys/fs/cgroup''s filesystem implies, and its controllers' {
        $fs = stat -f -c %T /sys/fs/cgroup
        if ($fs -eq 'cgroup2fs') {
            $info.CgroupMode | Should -Be 'v2'
            $info.CgroupControllers | Should -Be ((Get-Content /sys/fs/cgroup/cgroup.controllers) -split ' ' | Where-Object { $_ })
        }
        else {
            $fs | Should -Be 'tmpfs'
            $hybrid = (Test-Path /sys/fs/cgroup/unified) -and (stat -f -c %T /sys/fs/cgroup/unified) -eq 'cgroup2fs'
            $info.CgroupMode | Should -Be ($hybrid ? 'v1 hybrid' : 'v1')
            # Every v1 controller the kernel has enabled and this host mounts is listed (memory, cpu, pids: the ones limits need).
            foreach ($ctl in 'memory', 'cpu', 'pids') {
                if (Test-Path "/sys/fs/cgroup/$ctl") { $info.CgroupControllers | Should -Contain $ctl }
            }
        }
    }

    It 'reports the helper, whether it runs sealed, and the roots the engine uses' {
        $info.HelperExists | Should -BeTrue
        Test-Path -LiteralPath $info.HelperPath -PathType Leaf | Should -BeTrue
        # An ELF helper runs from a sealed memfd copy; a script wrapper (never used by this suite) would not.
        $elf = [IO.File]::ReadAllBytes($info.HelperPath)[0..3]
        $info.HelperSealed | Should -Be ($elf[0] -eq 0x7f -and $elf[1] -eq [byte][char]'E')
        $info.StateRoot | Should -Be $env:MINIDOCKER_ROOT
        $info.RunRoot | Should -Be $env:MINIDOCKER_RUN_ROOT
    }

    It 'counts containers by state and images as Get-MiniContainer and Get-MiniImage list them' {
        $all = @(Get-MiniContainer)
        $info.Containers | Should -Be $all.Count
        $info.ContainersByState['Running'] | Should -Be @($all | Where-Object State -EQ 'Running').Count
        $info.ContainersByState['Created'] | Should -Be @($all | Where-Object State -EQ 'Created').Count
        $info.ContainersByState['Running'] | Should -BeGreaterOrEqual 1
        $info.ContainersByState['Created'] | Should -BeGreaterOrEqual 1
        $info.Images | Should -Be @(Get-MiniImage).Count
    }
}
