# The foundation, observed from inside real containers: namespaces, pivot_root, /proc, overlay,
# exit codes, detached monitors, cleanup, and specific errors for bad input.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
}

Describe 'A container is a process the kernel lies to' {
    It 'runs its command as PID 1: /proc/1/cmdline is the command and $$ is 1' {
        $r = Invoke-TestContainer -Command '/bin/sh', '-c', 'echo $$; /bin/mdtest cmdline; exit 0'
        $r.Output[0] | Should -Be '1'
        $r.Output[1].Trim() | Should -Be '/bin/sh -c echo $$; /bin/mdtest cmdline; exit 0'
    }

    It 'sees only its own processes' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'sleep 5 & ls /proc | grep -E "^[0-9]+$" | sort -n'
        # PID 1 (sh), the sleep, and the ls/grep/sort pipeline: all small PIDs of the new namespace.
        $pids = $r.Output | ForEach-Object { [int]$_ }
        $pids | Should -Contain 1
        ($pids | Measure-Object -Maximum).Maximum | Should -BeLessThan 20
        $pids.Count | Should -BeLessOrEqual 6
    }

    It 'has its own hostname and leaves the host''s alone' {
        $hostBefore = [IO.File]::ReadAllText('/proc/sys/kernel/hostname').Trim()
        $r = Invoke-TestContainer -Command 'hostname' -Options @{ Hostname = 'inside-box' }
        $r.Output | Should -Be 'inside-box'
        [IO.File]::ReadAllText('/proc/sys/kernel/hostname').Trim() | Should -Be $hostBefore
    }

    It 'defaults the hostname to the short id' {
        $r = Invoke-TestContainer -Command 'hostname'
        $r.Output | Should -Be $r.Container.ShortId
    }

    It 'shows no host path in its mount table' {
        # -Network none: a bridge container's /etc/hosts, hostname and resolv.conf are bind mounts whose source
        # path shows (as with Docker and Podman).
        $r = Invoke-TestContainer -Options @{ Network = 'none' } -Command 'cat', '/proc/self/mountinfo'
        $r.Output.Count | Should -BeGreaterThan 3
        $joined = $r.Output -join "`n"
        $joined | Should -Not -Match ([regex]::Escape($env:MINIDOCKER_ROOT))
        $joined | Should -Not -Match ([regex]::Escape($rootfs))
        $joined | Should -Not -Match '/work/|/tmp/|/root/'
        ($r.Output | Where-Object { $_ -match ' / / ' }) | Should -Match 'overlay'
    }

    It 'has a fresh /proc, a minimal /dev and a read-only /sys' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'ls /dev | sort | tr "\n" " "; echo; touch /sys/x 2>&1 || echo sys-ro; echo hi > /dev/null && echo null-ok'
        $r.Output[0].Trim() -split ' ' | Should -Be @('fd', 'full', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero')
        $r.Output | Should -Contain 'sys-ro'
        $r.Output | Should -Contain 'null-ok'
    }

    It 'has its own network namespace with only lo, and lo is up' {
        $r = Invoke-TestContainer -Options @{ Network = 'none' } -Command 'sh', '-c', 'ls /sys/class/net; cat /sys/class/net/lo/operstate /sys/class/net/lo/flags'
        $r.Output[0] | Should -Be 'lo'
        $r.Output.Count | Should -Be 3
        ([Convert]::ToInt32($r.Output[2], 16) -band 1) | Should -Be 1   # IFF_UP
    }

    It 'passes environment variables and the working directory' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'echo "$GREETING"; pwd; echo $HOME' -Options @{ Environment = @{ GREETING = 'hello world' }; WorkingDirectory = '/tmp' }
        $r.Output | Should -Be @('hello world', '/tmp', '/root')
    }
}

Describe 'The root filesystem folder stays pristine' {
    It 'writes into the container''s own layer, never into the folder' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'echo data > /written-inside; rm /etc/os-release; cat /written-inside; ls /etc/os-release 2>&1' -Keep
        $r.Output[0] | Should -Be 'data'
        $r.Output[1] | Should -Match 'No such file'
        Join-Path $rootfs 'written-inside' | Should -Not -Exist
        Join-Path $rootfs 'etc/os-release' | Should -Exist
        Remove-MiniContainer -InputObject $r.Container
    }

    It 'gives two containers from one folder separate layers' {
        $a = New-MiniContainer $rootfs sh, -c, 'echo a > /shared; sleep 0.3; cat /shared' -Name (New-TestName)
        $b = New-MiniContainer $rootfs sh, -c, 'echo b > /shared; sleep 0.3; cat /shared' -Name (New-TestName)
        $a, $b | Start-MiniContainer
        $a, $b | Wait-MiniContainer | Out-Null
        (Get-MiniContainerLog -InputObject $a).Text | Should -Be 'a'
        (Get-MiniContainerLog -InputObject $b).Text | Should -Be 'b'
        $a, $b | Remove-MiniContainer
    }
}

Describe 'Exit codes' {
    It 'reports exit code <Code>' -ForEach @(@{ Code = 0 }, @{ Code = 42 }) {
        $r = Invoke-TestContainer -Command '/bin/mdtest', 'exit', "$Code"
        $r.Container.State | Should -Be 'Exited'
        $r.Container.ExitCode | Should -Be $Code
        $r.Container.OomKilled | Should -BeFalse
    }

    It 'sets $LASTEXITCODE after Start-MiniContainer -Wait' {
        $c = New-MiniContainer $rootfs /bin/mdtest, exit, 7 -Name (New-TestName)
        Start-MiniContainer -InputObject $c -Wait
        $LASTEXITCODE | Should -Be 7
        Remove-MiniContainer -InputObject $c
    }

    It 'reports 137 when PID 1 ignores SIGTERM and is killed after the timeout' {
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $stopped = Stop-MiniContainer -InputObject $c -Timeout 1 -PassThru
        $stopped.ExitCode | Should -Be 137
        $stopped.State | Should -Be 'Exited'
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 8
        Remove-MiniContainer -InputObject $c
    }

    It 'reports 143 when the command dies of SIGTERM (with -Init forwarding the signal)' {
        $c = New-MiniContainer $rootfs sleep, 60 -Init -Name (New-TestName) | Start-MiniContainer -PassThru
        (Stop-MiniContainer -InputObject $c -Timeout 10 -PassThru).ExitCode | Should -Be 143
        Remove-MiniContainer -InputObject $c
    }

    It 'lets a PID 1 that handles SIGTERM exit on its own terms' {
        $c = New-MiniContainer $rootfs /bin/mdtest, trapterm -Name (New-TestName) | Start-MiniContainer -PassThru
        Wait-Until { (Get-TestLog $c.Name) -contains 'trapping SIGTERM' } | Should -BeTrue   # a loaded host may not have run it yet
        (Stop-MiniContainer -InputObject $c -PassThru).ExitCode | Should -Be 143
        (Get-MiniContainerLog -InputObject $c).Text | Should -Contain 'got SIGTERM'
        Remove-MiniContainer -InputObject $c
    }
}

Describe 'Detached containers and their monitor' {
    It 'survives the pwsh that started it and is found by a new one' {
        $name = New-TestName 'detached'
        $pwsh = Join-Path $PSHOME pwsh  # the apphost, also for a dotnet-tool install
        & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$env:MINIDOCKER_MODULE'; New-MiniContainer '$rootfs' sleep,30 -Name $name | Start-MiniContainer"
        $LASTEXITCODE | Should -Be 0
        $c = Get-MiniContainer -Name $name
        $c.State | Should -Be 'Running'
        Get-Process -Id $c.Pid | Should -Not -BeNullOrEmpty
        [IO.File]::ReadAllText("/proc/$($c.Pid)/cmdline") | Should -Be ("sleep`0" + "30`0")
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'reports a container whose monitor and init were killed as Dead, and -Force cleans it' {
        $c = New-MiniContainer $rootfs sleep, 30 -Name (New-TestName) | Start-MiniContainer -PassThru
        kill -9 $c.MonitorPid $c.Pid
        Wait-Until { (Get-MiniContainer -Name $c.Name).State -eq 'Dead' } | Should -BeTrue
        Remove-MiniContainer -InputObject $c -Force
        Get-MiniContainer -Name $c.Name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'gives the monitor none of the caller''s environment' {
        $env:MINIDOCKER_TEST_SECRET = 'do-not-leak-' + [guid]::NewGuid()
        try {
            $c = New-MiniContainer $rootfs sleep, 30 -Init -Name (New-TestName) | Start-MiniContainer -PassThru
            [IO.File]::ReadAllText("/proc/$($c.MonitorPid)/environ") | Should -Not -Match 'do-not-leak'
            # With -Init, PID 1 is the helper too: the command sees only the plan's environment.
            [IO.File]::ReadAllText("/proc/$($c.Pid)/environ") | Should -Not -Match 'do-not-leak'
            Remove-MiniContainer -InputObject $c -Force
        }
        finally { Remove-Item env:MINIDOCKER_TEST_SECRET }
    }

    It 'streams output lines while the container runs' {
        # Three lines a second apart: the first reaches the pipeline while the container still runs
        # (a state, not a timing: buffering until exit would show it Exited).
        $c = New-MiniContainer $rootfs /bin/mdtest, lines, 3, 1000 -Name (New-TestName)
        $states = @(Start-MiniContainer -InputObject $c -Wait | ForEach-Object { (Get-MiniContainer -Id $c.Id).State })
        $states.Count | Should -Be 3
        $states[0] | Should -Be 'Running'
        Remove-MiniContainer -InputObject $c
    }
}

Describe 'Remove leaves nothing behind' {
    It 'removes the process, the cgroups, the mounts and the state' {
        $c = New-MiniContainer $rootfs sleep, 30 -Name (New-TestName) | Start-MiniContainer -PassThru
        $cgroups = (Get-ContainerRecord $c).CgroupPaths
        $cgroups.Count | Should -BeGreaterThan 0
        foreach ($cg in $cgroups) { Get-Content (Join-Path $cg 'cgroup.procs') | Should -Contain "$($c.Pid)" }
        $dir = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)"
        $dir | Should -Exist
        Remove-MiniContainer -InputObject $c -Force
        Wait-Until { -not (Test-Path "/proc/$($c.Pid)") } | Should -BeTrue
        Wait-Until { -not (Test-Path "/proc/$($c.MonitorPid)") } | Should -BeTrue
        foreach ($cg in $cgroups) { $cg | Should -Not -Exist }
        $dir | Should -Not -Exist
        Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*$($c.Id)*" } | Should -BeNullOrEmpty
    }

    It 'releases an exited container''s cgroup as soon as its exit is seen' {
        $r = Invoke-TestContainer -Command 'true' -Keep
        (Get-ContainerRecord $r.Container).CgroupPaths | Should -BeNullOrEmpty
        Get-ContainerCgroupDirectory $r.Container.Id | Should -BeNullOrEmpty
        Remove-MiniContainer -InputObject $r.Container
    }
}

Describe 'The pipeline' {
    It 'removes exited containers with Get | Where | Remove' {
        $names = 1..2 | ForEach-Object { New-TestName 'pipe' }
        $names | ForEach-Object { New-MiniContainer $rootfs true -Name $_ } | Start-MiniContainer -PassThru | Wait-MiniContainer | Out-Null
        $running = New-MiniContainer $rootfs sleep, 30 -Name (New-TestName 'pipe') | Start-MiniContainer -PassThru
        Get-MiniContainer -Name 'pipe-*' | Where-Object State -eq Exited | Remove-MiniContainer
        @(Get-MiniContainer -Name 'pipe-*').Name | Should -Be @($running.Name)
        Remove-MiniContainer -InputObject $running -Force
    }

    It 'binds -Name by property name and finds containers by id prefix' {
        $c = New-MiniContainer $rootfs true -Name (New-TestName)
        ([pscustomobject]@{ Name = $c.Name } | Get-MiniContainer).Id | Should -Be $c.Id
        (Get-MiniContainer -Id $c.Id.Substring(0, 10)).Name | Should -Be $c.Name
        Get-MiniContainer -State Created -Name $c.Name | Should -Not -BeNullOrEmpty
        Remove-MiniContainer -Name $c.Name
    }

    It 'honours -WhatIf' {
        $c = New-MiniContainer $rootfs true -Name (New-TestName)
        Remove-MiniContainer -InputObject $c -WhatIf
        Get-MiniContainer -Name $c.Name | Should -Not -BeNullOrEmpty
        Start-MiniContainer -InputObject $c -WhatIf
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Created'
        Remove-MiniContainer -InputObject $c
    }

    It 'returns the last lines of the log with -Tail' {
        $r = Invoke-TestContainer -Command '/bin/mdtest', 'lines', '5', '0' -Keep
        (Get-MiniContainerLog -InputObject $r.Container -Tail 2).Text | Should -Be @('line 4', 'line 5')
        Remove-MiniContainer -InputObject $r.Container
    }
}

Describe 'Host paths in options are relative to the PowerShell location' {
    It 'resolves a relative -Volume source and seccomp=PROFILE against $PWD, not the process''s folder' {
        $here = Join-Path $TestDrive 'here'
        $null = New-Item -ItemType Directory (Join-Path $here 'data')
        Set-Content (Join-Path $here 'data/hello.txt') 'from the location'
        '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}' | Set-Content (Join-Path $here 'deny-mkdir.json')
        [Environment]::CurrentDirectory | Should -Not -Be $here
        Push-Location $here
        try {
            $c = New-MiniContainer $rootfs sh, -c, 'cat /data/hello.txt; mkdir /tmp/d 2>/dev/null; echo rc=$?' -Name (New-TestName 'relpath') `
                -Volume 'data:/data:ro' -SecurityOpt 'seccomp=deny-mkdir.json'
        } finally { Pop-Location }
        $c.Mounts[0].Source | Should -Be (Join-Path $here 'data')
        $c.Security.Seccomp | Should -Be (Join-Path $here 'deny-mkdir.json')
        Start-MiniContainer -InputObject $c -Wait | Should -Be @('from the location', 'rc=1')
        Remove-MiniContainer -InputObject $c
    }
}

Describe 'What -Verbose and progress tell' {
    It 'Start -Verbose names the container''s real cgroup, the launch plan and timings; Stop -Verbose the SIGTERM' {
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName 'verbose')
        $said = @(Start-MiniContainer -InputObject $c -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $cgroupLine = $said | Where-Object { $_ -like "Container '$($c.Name)': cgroup *" }
        $cgroupLine | Should -HaveCount 1
        $paths = ($cgroupLine -replace '^.*: cgroup ', '') -split ', '
        $paths | Should -Not -BeNullOrEmpty
        foreach ($p in $paths) { $p | Should -BeLike "*$($c.Id)*"; Join-Path $p 'cgroup.procs' | Should -Exist }
        $said | Where-Object { $_ -match "launch plan of (\d+) steps: .*mount x\d+.*pivot" } | Should -HaveCount 1
        $said | Where-Object { $_ -match 'host side ready in \d+ ms, helper reported ready after \d+ ms' } | Should -HaveCount 1
        $said | Where-Object { $_ -match 'True|False' } | Should -BeNullOrEmpty
        $stop = @(Stop-MiniContainer -InputObject $c -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $stop | Where-Object { $_ -like "*SIGTERM to its init*" } | Should -HaveCount 1
        Remove-MiniContainer -InputObject $c
    }

    It 'Set-MiniContainerLimit -Verbose describes only the limits, not the common parameters' {
        $c = New-MiniContainer $rootfs true -Name (New-TestName 'verbose')
        $said = @(Set-MiniContainerLimit -InputObject $c -PidsLimit 77 -Verbose 4>&1 | ForEach-Object Message)
        ($said -join "`n") | Should -Match 'PidsLimit=77'
        ($said -join "`n") | Should -Not -Match 'Verbose='
        Remove-MiniContainer -InputObject $c
    }

    It 'Import-MiniImage writes a fresh progress record per update' {
        $src = Join-Path $TestDrive 'big'
        $null = New-Item -ItemType Directory $src
        $bytes = [byte[]]::new(13MB)
        [Random]::new(1).NextBytes($bytes)
        [IO.File]::WriteAllBytes((Join-Path $src 'blob'), $bytes)
        $tar = Join-Path $TestDrive 'big.tar'
        tar -C $src -cf $tar blob
        $name = New-TestName 'progress'
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MINIDOCKER_MODULE'; `$ProgressPreference = 'Continue'; Import-MiniImage '$tar' -Name $name | Out-Null")
        $null = $ps.Invoke()
        $records = @($ps.Streams.Progress | Where-Object Activity -eq "Importing $name")
        $ps.Dispose()
        $records.Count | Should -BeGreaterThan 2
        for ($i = 1; $i -lt $records.Count; $i++) { [object]::ReferenceEquals($records[$i], $records[$i - 1]) | Should -BeFalse }
        $records[0].RecordType | Should -Be 'Processing'
        $records[-1].RecordType | Should -Be 'Completed'
        Remove-MiniImage $name -Confirm:$false
    }
}

Describe 'Bad input gets a specific error and leaves nothing behind' {
    BeforeEach {
        $script:before = @(Get-ChildItem (Join-Path $env:MINIDOCKER_ROOT 'containers') -Directory -ErrorAction SilentlyContinue).Count
    }
    AfterEach {
        @(Get-ChildItem (Join-Path $env:MINIDOCKER_ROOT 'containers') -Directory -ErrorAction SilentlyContinue).Count | Should -Be $script:before
    }

    It 'rejects <Case> with <ErrorId>' -ForEach @(
        @{ Case = 'a missing folder'; ErrorId = 'RootFsNotFound'; Category = 'ObjectNotFound'; Params = @{ RootFs = '/nonexistent/rootfs'; Command = @('true') } }
        @{ Case = 'a folder without the command'; ErrorId = 'CommandNotFound'; Category = 'ObjectNotFound'; Params = @{ Command = @('/bin/bash') } }
        @{ Case = 'an empty command'; ErrorId = 'EmptyCommand'; Category = 'InvalidArgument'; Params = @{ Command = @('') } }
        @{ Case = 'a name with a slash'; ErrorId = 'InvalidContainerName'; Category = 'InvalidArgument'; Params = @{ Command = @('true'); Name = 'a/b' } }
        @{ Case = 'a name with spaces'; ErrorId = 'InvalidContainerName'; Category = 'InvalidArgument'; Params = @{ Command = @('true'); Name = 'a b' } }
        @{ Case = 'a relative working directory'; ErrorId = 'InvalidWorkingDirectory'; Category = 'InvalidArgument'; Params = @{ Command = @('true'); WorkingDirectory = 'tmp' } }
    ) {
        $a = @{ RootFs = $rootfs }
        foreach ($k in $Params.Keys) { $a[$k] = $Params[$k] }
        $err = { New-MiniContainer @a } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.CategoryInfo.Category | Should -Be $Category
        if ($ErrorId -eq 'CommandNotFound') { $err.Exception.Message | Should -BeLike "*'/bin/bash' not found in rootfs $rootfs*" }
    }

    It 'rejects a duplicate name' {
        $name = New-TestName
        $c = New-MiniContainer $rootfs true -Name $name
        $script:before++
        $err = { New-MiniContainer $rootfs true -Name $name } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'ContainerNameInUse,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        Remove-MiniContainer -InputObject $c
        $script:before--
    }

    It 'reports an unknown container' {
        Get-MiniContainer -Name 'no-such-container' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'no-such-container'
        Stop-MiniContainer -Id 'ffffffffffff' -ErrorVariable err2 -ErrorAction SilentlyContinue
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
    }

    It 'refuses to stop an exited container, with the container as target' {
        $r = Invoke-TestContainer -Command 'true' -Keep
        Stop-MiniContainer -InputObject $r.Container -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotRunning,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].TargetObject.Id | Should -Be $r.Container.Id
        Remove-MiniContainer -InputObject $r.Container
    }

    It 'refuses to remove a running container without -Force' {
        $c = New-MiniContainer $rootfs sleep, 30 -Name (New-TestName) | Start-MiniContainer -PassThru
        Remove-MiniContainer -InputObject $c -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerRunning,*'
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Running'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'times out waiting with WaitTimeout' {
        $c = New-MiniContainer $rootfs sleep, 30 -Name (New-TestName) | Start-MiniContainer -PassThru
        Wait-MiniContainer -InputObject $c -Timeout 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout,*'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        Remove-MiniContainer -InputObject $c -Force
    }
}

Describe 'Restart and damaged state' {
    It 'streams only the new run''s output when an exited container is started again' {
        $c = New-MiniContainer $rootfs sh, -c, 'echo run-$(cat /proc/sys/kernel/random/uuid)' -Name (New-TestName)
        $first = Start-MiniContainer -InputObject $c -Wait
        $second = Start-MiniContainer -InputObject $c -Attach   # docker's name for -Wait
        @($second).Count | Should -Be 1
        $second | Should -Not -Be $first
        @(Get-MiniContainerLog -InputObject $c).Count | Should -Be 2
        Remove-MiniContainer -InputObject $c
    }

    It 'reports a container with a corrupt state file as Dead and still removes it' {
        $c = New-MiniContainer $rootfs true -Name (New-TestName)
        $dir = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)"
        Set-Content (Join-Path $dir 'config.json') '{ not json'
        $dead = Get-MiniContainer -Id $c.Id
        $dead.State | Should -Be 'Dead'
        $dead.Error | Should -BeLike 'State file unreadable*'
        Remove-MiniContainer -Id $c.Id
        $dir | Should -Not -Exist
    }
}
