# Chaos: commands killed with SIGKILL at chosen and at random points, a killed monitor, racing runspaces,
# a full state disk, a deleted run root. After each: every container visible, and once removed, no
# process, cgroup, folder or lock file of theirs left.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:pwsh = Join-Path $PSHOME pwsh   # the apphost, also for a dotnet-tool install: the child sessions the tests kill
    $script:helper = Join-Path (Split-Path $env:MINIDOCKER_TEST_BINARY) 'mdhelper'
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-chaos-$PID"
    New-Item -ItemType Directory -Force $script:work | Out-Null

    function Get-ContainersRoot { Join-Path $env:MINIDOCKER_ROOT 'containers' }

    <# The container folders on disk (64 hex digits), whatever their state. #>
    function Get-StateFolder {
        $root = Get-ContainersRoot
        if (-not (Test-Path $root)) { return @() }
        @(Get-ChildItem $root -Directory | Where-Object Name -Match '^[0-9a-f]{64}$' | ForEach-Object Name)
    }

    <# Lock files left in the store. #>
    function Get-LockFile {
        $locks = Join-Path (Get-ContainersRoot) '.locks'
        if (-not (Test-Path $locks)) { return @() }
        @(Get-ChildItem $locks -File | ForEach-Object Name)
    }

    <# Live helper processes of this run (they run from a sealed memfd copy) holding a file of its state or run root. #>
    function Get-MonitorProcess {
        $roots = $env:MINIDOCKER_ROOT, $env:MINIDOCKER_RUN_ROOT
        @(Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$' | Where-Object {
                $exe = $null
                try { $exe = [IO.File]::ResolveLinkTarget("/proc/$($_.Name)/exe", $false) } catch { }
                if (-not $exe -or $exe.FullName -notlike '/memfd:mdhelper*') { return $false }
                $targets = @(Get-ChildItem "/proc/$($_.Name)/fd" -ErrorAction Ignore | ForEach-Object LinkTarget)
                [bool]@($targets | Where-Object { $t = $_; @($roots | Where-Object { $t -like "$_/*" }).Count }).Count
            } | ForEach-Object { [int]$_.Name })
    }

    # This run's cgroup parent in each hierarchy: found once (a container makes it), then looked at directly.
    $probe = Start-MiniContainer (New-MiniContainer -RootFs $script:rootfs -Command /bin/mdtest, sleep, 600) -PassThru
    $script:cgroupParents = @((Get-ContainerRecord $probe).CgroupPaths | ForEach-Object { Split-Path $_ })
    $probe | Remove-MiniContainer -Force

    <# cgroup directories of containers (64-hex names) under this run's cgroup parent. #>
    function Get-ContainerCgroup {
        @($script:cgroupParents | Where-Object { Test-Path $_ } | ForEach-Object { Get-ChildItem $_ -Directory -ErrorAction SilentlyContinue } |
                Where-Object Name -Match '^[0-9a-f]{64}$')
    }

    <#
    .SYNOPSIS
        The invariants after any chaos: every folder is a container Get-MiniContainer lists (orphans cleaned),
        every Running one runs; then everything is removed and nothing of it may remain.
    #>
    function Assert-NothingHidden {
        $listed = @(Get-MiniContainer)
        @(Get-StateFolder | Sort-Object) | Should -Be @($listed.Id | Sort-Object) -Because 'every container folder is a visible container'
        foreach ($c in $listed | Where-Object State -EQ Running) {
            # A SIGKILL the killed command sent may land just after the listing looked: then the next look must say so.
            if (-not (Test-Alive $c.Pid)) {
                Wait-Until { (Get-MiniContainer -Id $c.Id).State -ne 'Running' } 5 | Should -BeTrue -Because "container $($c.Name) is reported Running without a live init"
            }
        }
        $listed | Remove-MiniContainer -Force -Confirm:$false
        # A killed start's helper may still be finishing (it exits on its own); give it a moment.
        Wait-Until { (Get-MonitorProcess).Count -eq 0 } 10 | Out-Null
        Get-MonitorProcess | Should -BeNullOrEmpty -Because 'no monitor may outlive its container'
        Get-ContainerCgroup | Should -BeNullOrEmpty -Because 'no cgroup may outlive its container'
        Get-StateFolder | Should -BeNullOrEmpty
        Get-LockFile | Should -BeNullOrEmpty -Because 'locks go with their containers'
        @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*$(Get-ContainersRoot)*" }) | Should -BeNullOrEmpty
    }

    <#
    .SYNOPSIS
        A slow stand-in for mdhelper (MINIDOCKER_HELPER): -Before sleeps before the real helper runs, -After lets
        it launch the container and then holds the caller (stderr open). Either way it writes its pid to MARK
        when the caller is waiting on it, so the test can kill the caller exactly there.
    #>
    function New-SlowHelper([string]$Mark, [switch]$After) {
        $path = Join-Path $script:work ("helper-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
        $body = if ($After) { "`"$script:helper`" `"`$@`"`necho `$`$ > `"$Mark`"`nexec sleep 30" }
        else { "echo `$`$ > `"$Mark`"`nsleep 3`nexec `"$script:helper`" `"`$@`"" }
        Set-Content $path "#!/bin/sh`n$body"
        chmod 755 $path
        $path
    }

    <# A child pwsh running SCRIPT with this session's MiniDocker settings (and EXTRA environment). #>
    function Start-ChildPwsh([string]$Script, [hashtable]$Extra = @{}) {
        $psi = [Diagnostics.ProcessStartInfo]::new($script:pwsh)
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$env:MINIDOCKER_MODULE'; $Script") { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        foreach ($k in $Extra.Keys) { $psi.Environment[$k] = $Extra[$k] }
        [Diagnostics.Process]::Start($psi)
    }

    <# True while process ID runs (a zombie no longer does: this host's init may reap late). #>
    function Test-Alive([int]$Id) {
        $s = Get-Content "/proc/$Id/stat" -ErrorAction SilentlyContinue
        [bool]($s -and $s.Substring($s.LastIndexOf(')') + 2, 1) -ne 'Z')
    }

    function Stop-Pid([int]$Id) { if (Test-Path "/proc/$Id") { kill -9 $Id 2>$null } }
    function Wait-PidGone([int]$Id, [double]$Timeout = 15) { Wait-Until { -not (Test-Alive $Id) } $Timeout | Out-Null }
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Remove-Item -Recurse -Force $script:work -ErrorAction SilentlyContinue
}

Describe 'kill -9 of the pwsh running a command' {
    It 'before the helper runs (during Start): the next command cleans the cgroup; the late helper starts nothing' {
        $name = New-TestName 'killstart'
        New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600 -Name $name | Out-Null
        $mark = Join-Path $work "$name.mark"
        $child = Start-ChildPwsh "Start-MiniContainer -Name $name" @{ MINIDOCKER_HELPER = (New-SlowHelper $mark) }
        Wait-Until { Test-Path $mark } 60 | Should -BeTrue
        $child.Kill(); $child.WaitForExit()
        $wrapper = [int](Get-Content $mark)
        # The next command runs while the killed Start's helper is still pending.
        (Get-MiniContainer -Name $name).State | Should -Be Created
        Get-ContainerCgroup | Should -BeNullOrEmpty -Because 'the killed Start made a cgroup that nothing uses'
        Wait-PidGone $wrapper
        (Get-MiniContainer -Name $name).State | Should -Be Created -Because 'a helper whose caller is gone starts nothing'
        Get-MonitorProcess | Should -BeNullOrEmpty
        $c = Start-MiniContainer -Name $name -PassThru
        $c.State | Should -Be Running
        Assert-NothingHidden
    }

    It 'after the helper launched (during Start): the running container is found and reported Running' {
        $name = New-TestName 'killstart2'
        $id = (New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600 -Name $name).Id
        $mark = Join-Path $work "$name.mark"
        $child = Start-ChildPwsh "Start-MiniContainer -Name $name" @{ MINIDOCKER_HELPER = (New-SlowHelper $mark -After) }
        Wait-Until { Test-Path $mark } 60 | Should -BeTrue
        # The kill point: the init runs in its cgroup, Start has not recorded it yet (a Get now would wait for Start's lock).
        Wait-Until { @(Get-ContainerCgroup | Where-Object Name -EQ $id | ForEach-Object { Get-Content (Join-Path $_.FullName cgroup.procs) }).Count -gt 0 } 30 | Should -BeTrue
        $child.Kill(); $child.WaitForExit()
        Stop-Pid ([int](Get-Content $mark))
        $c = Get-MiniContainer -Name $name
        $c.State | Should -Be Running
        (Get-Content "/proc/$($c.Pid)/cmdline" -Raw) -replace "`0", ' ' | Should -Match 'mdtest sleep 600'
        { Start-MiniContainer -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerAlreadyRunning,MiniDocker.Commands.StartMiniContainerCommand'
        (Stop-MiniContainer -Name $name -Timeout 5 -PassThru).State | Should -Be Exited
        Assert-NothingHidden
    }

    It 'during Stop''s wait: the container stays visible and a second Stop finishes it' {
        $name = New-TestName 'killstop'
        $c = New-MiniContainer -RootFs $rootfs -Command /bin/sh, -c, 'trap "echo got-term" TERM; while :; do sleep 1; done' -Name $name
        Start-MiniContainer $c
        $child = Start-ChildPwsh "Stop-MiniContainer -Name $name -Timeout 60"
        Wait-Until { (Get-TestLog $name) -contains 'got-term' } 60 | Should -BeTrue
        $child.Kill(); $child.WaitForExit()
        (Get-MiniContainer -Name $name).State | Should -Be Running
        $stopped = Stop-MiniContainer -Name $name -Timeout 1 -PassThru
        $stopped.State | Should -Be Exited
        $stopped.ExitCode | Should -Be 137
        Assert-NothingHidden
    }

    It 'at random points of New/Start/Remove loops: nothing is hidden or leaked' {
        $counter = Join-Path $work 'loops'
        foreach ($round in 1..2) {
            Remove-Item $counter -ErrorAction SilentlyContinue
            $loop = "`$i = 0; while (`$true) { `$c = New-MiniContainer -RootFs '$rootfs' -Command /bin/mdtest,sleep,600; Start-MiniContainer `$c; Remove-MiniContainer `$c -Force; `$i++; Set-Content '$counter' `$i }"
            $child = Start-ChildPwsh $loop
            Wait-Until { (Test-Path $counter) -and [int](Get-Content $counter -ErrorAction SilentlyContinue) -ge 2 } 60 | Should -BeTrue
            Start-Sleep -Milliseconds (Get-Random -Minimum 0 -Maximum 400)
            $child.Kill(); $child.WaitForExit()
            Assert-NothingHidden
        }
    }

    It 'leaves folders without a record (New or Remove killed midway) that Get-MiniContainer cleans' {
        $c = New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600
        Start-MiniContainer $c
        # What a Remove killed after deleting the record leaves: the folder with its upper layer and log.
        Stop-MiniContainer $c -Timeout 0
        Remove-Item (Join-Path (Get-ContainersRoot) "$($c.Id)/config.json")
        # What a New killed between its mkdir and its record leaves.
        $half = -join ((1..64) | ForEach-Object { '0123456789abcdef'[(Get-Random -Maximum 16)] })
        New-Item -ItemType Directory (Join-Path (Get-ContainersRoot) $half) | Out-Null
        @(Get-MiniContainer | Where-Object Id -In $c.Id, $half) | Should -BeNullOrEmpty
        Get-StateFolder | Should -Not -Contain $c.Id
        Get-StateFolder | Should -Not -Contain $half
        Assert-NothingHidden
    }
}

Describe 'A killed monitor' {
    It 'does not stop Stop or Wait: they work from the init and the cgroup, and the record says the monitor died' {
        $name = New-TestName 'nomon'
        $c = New-MiniContainer -RootFs $rootfs -Command /bin/sh, -c, 'trap "" TERM; while :; do sleep 1; done' -Name $name
        $c = Start-MiniContainer $c -PassThru
        kill -9 $c.MonitorPid
        Wait-PidGone $c.MonitorPid
        $now = Get-MiniContainer -Name $name
        $now.State | Should -Be Running
        $now.Error | Should -Match 'monitor'
        { Wait-MiniContainer -Name $name -Timeout 1 -ErrorAction Stop } | Should -Throw -ErrorId 'WaitTimeout,MiniDocker.Commands.WaitMiniContainerCommand'
        $stopped = Stop-MiniContainer -Name $name -Timeout 1 -PassThru
        Test-Alive $c.Pid | Should -BeFalse -Because 'Stop kills the init through its cgroup'
        $stopped.State | Should -Be Dead
        $stopped.Error | Should -Match 'monitor'
        Assert-NothingHidden
    }

    It 'and a killed init make the container Dead, whose limits cannot be set' {
        $c = Start-MiniContainer (New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600) -PassThru
        kill -9 $c.MonitorPid $c.Pid
        Wait-PidGone $c.Pid
        (Get-MiniContainer -Id $c.Id).State | Should -Be Dead
        { Set-MiniContainerLimit -Id $c.Id -PidsLimit 50 -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerDead,MiniDocker.Commands.SetMiniContainerLimitCommand'
        Assert-NothingHidden
    }
}

Describe 'Racing cmdlets in parallel runspaces' {
    It 'Remove against Stop, Get and Start leaves no orphan and no raw error' {
        $iss = [Management.Automation.Runspaces.InitialSessionState]::CreateDefault()
        $iss.ImportPSModule($env:MINIDOCKER_MODULE)
        $pool = [runspacefactory]::CreateRunspacePool(1, 8, $iss, $Host)
        $pool.Open()
        $raw = [Collections.Generic.List[string]]::new()
        # Get and Start repeat until the container is gone, so they also run while Remove deletes its folder.
        $loop = 'param($Cmd, $Id) foreach ($i in 1..60) { $e = $null; & $Cmd -Id $Id -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null; if ($e | Where-Object FullyQualifiedErrorId -Like "ContainerNotFound*") { break } }'
        function Start-Racer([string]$Script, [object[]]$Arguments = @()) {
            $ps = [powershell]::Create().AddScript($Script)
            foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
            $ps.RunspacePool = $pool
            [pscustomobject]@{ PS = $ps; Handle = $ps.BeginInvoke() }
        }
        try {
            foreach ($round in 1..2) {
                # Stop's targets ignore SIGTERM: Stop waits outside the lock while Remove kills and deletes.
                $stopped = foreach ($i in 1..2) { Start-MiniContainer (New-MiniContainer -RootFs $rootfs -Command /bin/sh, -c, 'trap "" TERM; while :; do sleep 1; done') -PassThru }
                $queried = Start-MiniContainer (New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600) -PassThru
                $created = New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600
                $all = @($stopped) + $queried + $created
                # A populated upper layer: deleting the folder takes a while, as with a real container.
                foreach ($c in $all) {
                    $upper = New-Item -ItemType Directory -Force (Join-Path (Get-ContainersRoot) "$($c.Id)/upper/data")
                    bash -c "cd '$upper' && touch f{1..800}"
                }
                $jobs = @(foreach ($c in $stopped) { Start-Racer "Stop-MiniContainer -Id $($c.Id) -Timeout 2" })
                $jobs += Start-Racer $loop 'Get-MiniContainer', $queried.Id
                $jobs += Start-Racer $loop 'Start-MiniContainer', $created.Id
                Start-Sleep -Milliseconds 300
                $jobs += foreach ($c in $all) { Start-Racer "Remove-MiniContainer -Id $($c.Id) -Force" }
                foreach ($j in $jobs) {
                    try { $null = $j.PS.EndInvoke($j.Handle) } catch { $raw.Add("$_") }
                    foreach ($e in $j.PS.Streams.Error) {
                        if ($e.Exception -isnot [MiniDocker.Engine.MiniDockerException] -and $e.FullyQualifiedErrorId -notlike 'ContainerNotFound*') { $raw.Add("$($e.FullyQualifiedErrorId): $e") }
                    }
                    $j.PS.Dispose()
                }
                Assert-NothingHidden
            }
        }
        finally { $pool.Dispose() }
        $raw | Should -BeNullOrEmpty
    }
}

Describe 'A full state disk' {
    BeforeAll {
        $script:savedRoot = $env:MINIDOCKER_ROOT
        $script:tiny = Join-Path $work 'tiny'
        New-Item -ItemType Directory -Force $tiny | Out-Null
        mount -t tmpfs -o size=3m,mode=700 minidocker-chaos $tiny
        $env:MINIDOCKER_ROOT = $tiny
    }
    AfterAll {
        try { Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false }
        finally {
            $env:MINIDOCKER_ROOT = $script:savedRoot
            umount $tiny
        }
    }

    It 'locks nobody out: reads, Stop, logs and Remove work; writes fail with StateDiskFull; lost output is reported' {
        $sleeper = Start-MiniContainer (New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600 -Name (New-TestName 'full')) -PassThru
        $later = New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, true -Name (New-TestName 'full')
        # The flood waits for the gate: flooding at once could fill the disk before Start saves the Running
        # record (a slow VM did), and Start then rightly fails with StateDiskFull and kills it.
        $gate = New-Item -ItemType Directory -Force (Join-Path $work 'full-gate')
        $flood = New-MiniContainer -RootFs $rootfs -Volume "${gate}:/gate" -Command /bin/sh, -c, 'while [ ! -e /gate/go ]; do sleep 0.1; done; yes 0123456789012345678901234567890123456789 | head -c 6000000; exit 3' -Name (New-TestName 'full')
        Start-MiniContainer $flood
        New-Item -ItemType File (Join-Path $gate 'go') | Out-Null
        Wait-Until { (Get-Item (Join-Path (Get-ContainersRoot) "$($flood.Id)/container.log")).Length -gt 2.5MB } 30 | Should -BeTrue
        Wait-Until { (Get-MiniContainer -Id $flood.Id).State -ne 'Running' } 60 | Out-Null

        # Reads: the flood's exit must be reconciled though the record cannot be saved.
        $all = @(Get-MiniContainer)
        $all.Count | Should -Be 3
        $f = $all | Where-Object Id -EQ $flood.Id
        $f.State | Should -Be Exited
        $f.ExitCode | Should -Be 3
        $f.Error | Should -Match 'lost \d+ bytes'
        $lines = @(Get-MiniContainerLog -Id $flood.Id -Tail 1 -WarningVariable warned -WarningAction SilentlyContinue)
        $lines.Count | Should -Be 1
        "$warned" | Should -Match 'bytes of its output were lost'

        # Writes fail with a specific error naming the full filesystem, and leave no temp file.
        { New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, true -ErrorAction Stop } | Should -Throw -ErrorId 'StateDiskFull,MiniDocker.Commands.NewMiniContainerCommand'
        $err = $null
        Start-MiniContainer $later -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'StateDiskFull,*'
        "$($err[0])" | Should -BeLike "*$tiny*"
        @(Get-ChildItem $tiny -Recurse -Filter '*.tmp') | Should -BeNullOrEmpty
        (Get-MiniContainer -Id $later.Id).State | Should -Be Created
        @(Get-StateFolder).Count | Should -Be 3

        (Stop-MiniContainer -Id $sleeper.Id -Timeout 1 -PassThru).State | Should -Be Exited
        # One pipeline removes them all, full disk or not.
        Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
        Assert-NothingHidden
    }
}

Describe 'A deleted run root (a reboot)' {
    It 'keeps the exit status of containers that exit afterwards, -Init ones too' {
        $savedRun = $env:MINIDOCKER_RUN_ROOT
        $env:MINIDOCKER_RUN_ROOT = Join-Path $work 'run2'
        try {
            $plain = Start-MiniContainer (New-MiniContainer -RootFs $rootfs -Command /bin/sh, -c, 'trap "exit 7" TERM; echo armed; while :; do sleep 1; done') -PassThru
            $init = Start-MiniContainer (New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, sleep, 600 -Init) -PassThru
            # The shell (PID 1) ignores SIGTERM until its trap is set.
            Wait-Until { (Get-MiniContainerLog -Id $plain.Id).Text -contains 'armed' } | Should -BeTrue
            Remove-Item -Recurse -Force $env:MINIDOCKER_RUN_ROOT
            $stopped = @($plain, $init) | Stop-MiniContainer -Timeout 5 -PassThru
            ($stopped | Where-Object Id -EQ $plain.Id).State | Should -Be Exited
            ($stopped | Where-Object Id -EQ $plain.Id).ExitCode | Should -Be 7
            ($stopped | Where-Object Id -EQ $init.Id).State | Should -Be Exited
            ($stopped | Where-Object Id -EQ $init.Id).ExitCode | Should -Be 143
            Assert-NothingHidden
        }
        finally { $env:MINIDOCKER_RUN_ROOT = $savedRun }
    }
}

Describe 'Stopping many containers' {
    It 'signals them all before the timeout runs out for any' {
        $cs = foreach ($i in 1..5) {
            Start-MiniContainer (New-MiniContainer -RootFs $rootfs -Command /bin/sh, -c, 'trap "echo got-term" TERM; echo armed; while :; do sleep 1; done') -PassThru
        }
        # A shell as PID 1 ignores SIGTERM until its trap is set: on a loaded host the last ones may not be there yet.
        Wait-Until { @($cs | Where-Object { (Get-MiniContainerLog -Id $_.Id).Text -contains 'armed' }).Count -eq 5 } | Should -BeTrue
        $stopped = @($cs | Stop-MiniContainer -Timeout 4 -PassThru)
        $stopped.Count | Should -Be 5
        $stopped.State | Sort-Object -Unique | Should -Be Exited
        # Each logged its SIGTERM; the first SIGKILL (at the timeout) came after every one of them.
        $termed = foreach ($c in $cs) { (Get-MiniContainerLog -Id $c.Id | Where-Object Text -EQ 'got-term').Timestamp }
        @($termed).Count | Should -Be 5
        ($termed | Measure-Object -Maximum).Maximum | Should -BeLessThan ($stopped.FinishedAt | Measure-Object -Minimum).Minimum
        Assert-NothingHidden
    }
}

Describe 'Bad input fails at create, leaving nothing' {
    It 'a NUL in -RootFs is InvalidRootFs' {
        { New-MiniContainer -RootFs "$rootfs`0x" -Command /bin/mdtest, true -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRootFs,MiniDocker.Commands.NewMiniContainerCommand'
        Get-StateFolder | Should -BeNullOrEmpty
    }

    It 'an environment execve would refuse (a 4 MiB value, or too many large ones) is EnvironmentTooLarge' {
        { New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, true -Environment @{ BIG = 'x' * 4MB } -ErrorAction Stop } |
            Should -Throw -ErrorId 'EnvironmentTooLarge,MiniDocker.Commands.NewMiniContainerCommand'
        $many = @{}; foreach ($i in 1..20) { $many["V$i"] = 'y' * 120KB }
        { New-MiniContainer -RootFs $rootfs -Command /bin/mdtest, true -Environment $many -ErrorAction Stop } |
            Should -Throw -ErrorId 'EnvironmentTooLarge,MiniDocker.Commands.NewMiniContainerCommand'
        # Just under the per-string limit still runs.
        $r = Invoke-TestContainer -Command /bin/sh, -c, 'echo ${#BIG}' -Options @{ Environment = @{ BIG = 'z' * 100KB } }
        $r.Output | Should -Be "$(100KB)"
        Get-StateFolder | Should -BeNullOrEmpty
    }
}
