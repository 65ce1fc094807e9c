# More docker verbs against real containers: run --rm (-AutoRemove), restart, cp (with hostile symlinks),
# diff, prune, events, and the readiness waits tests use (Wait-MiniContainer -LogPattern / -Condition).

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:stateRoot = $env:MINIDOCKER_ROOT

    # Nothing of container ID is left: no record, no folder, no run dir, no cgroup, no mount naming it.
    function Assert-Gone([string]$Id) {
        Get-MiniContainer -Id $Id -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Test-Path (Join-Path $stateRoot "containers/$Id") | Should -BeFalse
        Test-Path (Join-Path $env:MINIDOCKER_RUN_ROOT "containers/$Id") | Should -BeFalse
        Get-ContainerCgroupDirectory $Id | Should -BeNullOrEmpty
        @(Get-Content /proc/self/mountinfo) -match $Id | Should -BeNullOrEmpty
    }
}

Describe 'New-MiniContainer -AutoRemove (docker run --rm)' {
    It 'Start -Wait streams the output, sets $LASTEXITCODE and leaves nothing: record, folder, cgroup, mount' {
        $c = New-MiniContainer $rootfs sh, -c, 'echo hello-rm; exit 4' -Name (New-TestName) -AutoRemove
        $c.AutoRemove | Should -BeTrue
        $out = @($c | Start-MiniContainer -Wait)
        $out | Should -Be @('hello-rm')
        $LASTEXITCODE | Should -Be 4
        Assert-Gone $c.Id
    }

    It 'a detached container nobody waits for is removed by the next command that looks, and only after it stopped' {
        $c = New-MiniContainer $rootfs sh, -c, 'sleep 1; exit 0' -Name (New-TestName) -AutoRemove | Start-MiniContainer -PassThru
        try {
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Running'
            Get-ContainerCgroupDirectory $c.Id | Should -Not -BeNullOrEmpty
            # Watch the kernel, not the engine: the init's pid goes, and nothing has looked since.
            Wait-Until { -not (Test-Path "/proc/$($c.Pid)") } | Should -BeTrue
            Wait-Until { Test-Path (Join-Path $stateRoot "containers/$($c.Id)/exit") } | Should -BeTrue
            Test-Path (Join-Path $stateRoot "containers/$($c.Id)") | Should -BeTrue
            # The next listing removes it.
            @(Get-MiniContainer).Id | Should -Not -Contain $c.Id
            Assert-Gone $c.Id
            (Get-MiniEvent -Name $c.Name -Action die).ExitCode | Should -Be 0
        }
        finally { Remove-MiniContainer -Id $c.Id -Force -ErrorAction SilentlyContinue }
    }

    It 'Wait-MiniContainer returns it once more with its exit code, then it is gone; Stop does the same' {
        $a = New-MiniContainer $rootfs sh, -c, 'exit 9' -Name (New-TestName) -AutoRemove | Start-MiniContainer -PassThru
        $b = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) -AutoRemove | Start-MiniContainer -PassThru
        $w = $a | Wait-MiniContainer -Timeout 20
        $w.ExitCode | Should -Be 9
        Assert-Gone $a.Id
        (Stop-MiniContainer -InputObject $b -Timeout 1 -PassThru).ExitCode | Should -Be 137
        Assert-Gone $b.Id
    }

    It 'a failed start removes it, as docker run --rm does, and reports the start''s error' {
        # A rootfs folder that is gone by Start: RootFsNotFound after the container was made.
        $folder = Join-Path $TestDrive 'gone-rootfs'
        Copy-Item -Recurse $rootfs $folder
        $c = New-MiniContainer $folder true -Name (New-TestName) -AutoRemove
        Remove-Item -Recurse -Force $folder
        Start-MiniContainer -InputObject $c -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RootFsNotFound,*'
        Assert-Gone $c.Id
    }

    It 'a never-started auto-remove container stays, and cannot be restarted once running' {
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) -AutoRemove
        try {
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            Start-MiniContainer -InputObject $c
            Restart-MiniContainer -InputObject $c -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'AutoRemoveNoRestart,*'
            $err[0].TargetObject.Id | Should -Be $c.Id
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Running'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Restart-MiniContainer (docker restart)' {
    It 'stops a running container and starts it again from the pipeline: new init, same upper layer, both runs in the log' {
        $name = New-TestName
        $c = New-MiniContainer $rootfs sh, -c, 'echo run-$(cat /tmp/n 2>/dev/null || echo 0); echo 1 > /tmp/n; sleep 60' -Name $name -Init | Start-MiniContainer -PassThru
        try {
            Wait-Until { (Get-TestLog $name) -contains 'run-0' } | Should -BeTrue
            $r = $c | Restart-MiniContainer -Timeout 5 -PassThru
            $r.Id | Should -Be $c.Id
            $r.State | Should -Be 'Running'
            $r.Pid | Should -Not -Be $c.Pid
            Test-Path "/proc/$($c.Pid)" | Should -BeFalse
            Wait-Until { (Get-TestLog $name) -contains 'run-1' } | Should -BeTrue
            @(Get-MiniEvent -Name $name).Action | Should -Be @('create', 'start', 'die', 'stop', 'start', 'restart')
        }
        finally { Remove-MiniContainer -Name $name -Force }
    }

    It 'starts an exited container' {
        $c = New-MiniContainer $rootfs sh, -c, 'exit 2' -Name (New-TestName)
        try {
            $c | Start-MiniContainer -Wait
            $r = Restart-MiniContainer -Id $c.Id -PassThru
            $r.State | Should -BeIn 'Running', 'Exited'
            (Wait-MiniContainer -Id $c.Id -Timeout 20).ExitCode | Should -Be 2
            @(Get-MiniEvent -Name $c.Name -Action start).Count | Should -Be 2
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }
}

Describe 'Copy-MiniContainerItem (docker cp)' {
    BeforeAll {
        $script:hostDir = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'cp')
        New-Item -ItemType Directory $hostDir | Out-Null
    }
    AfterAll { Remove-Item -Recurse -Force $hostDir -ErrorAction SilentlyContinue }

    It 'copies a file out of and into a running container' {
        $c = New-MiniContainer $rootfs sh, -c, 'echo made-inside > /tmp/out.txt; sleep 60' -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Wait-Until { Test-Path "/proc/$($c.Pid)/root/tmp/out.txt" } | Should -BeTrue
            Copy-MiniContainerItem -InputObject $c -Path /tmp/out.txt -Destination (Join-Path $hostDir 'out.txt')
            Get-Content (Join-Path $hostDir 'out.txt') | Should -Be 'made-inside'
            Set-Content (Join-Path $hostDir 'in.txt') 'from-host'
            Copy-MiniContainerItem -InputObject $c -Path (Join-Path $hostDir 'in.txt') -Destination /root -ToContainer
            Invoke-MiniContainer -InputObject $c -Command cat, /root/in.txt | Should -Be 'from-host'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'copies into a stopped container (its upper layer) and out of an exited one; folders recursively, symlinks as symlinks' {
        $src = Join-Path $hostDir 'site'
        New-Item -ItemType Directory (Join-Path $src 'sub') -Force | Out-Null
        Set-Content (Join-Path $src 'sub/index.html') 'page'
        New-Item -ItemType SymbolicLink -Path (Join-Path $src 'link') -Target '/etc/passwd' | Out-Null
        # Never started: the copy goes into its upper layer, under /tmp which only its rootfs folder has.
        $c = New-MiniContainer $rootfs sh, -c, 'cat /tmp/site/sub/index.html; readlink /tmp/site/link; echo result > /tmp/site/result' -Name (New-TestName)
        try {
            Copy-MiniContainerItem -InputObject $c -Path $src -Destination /tmp -ToContainer
            Test-Path (Join-Path $rootfs 'tmp/site') | Should -BeFalse   # the shared rootfs folder stays pristine
            @($c | Start-MiniContainer -Wait) | Should -Be @('page', '/etc/passwd')
            $out = Join-Path $hostDir 'back'
            New-Item -ItemType Directory $out | Out-Null
            Copy-MiniContainerItem -InputObject $c -Path /tmp/site -Destination $out
            Get-Content (Join-Path $out 'site/result') | Should -Be 'result'
            Get-Content (Join-Path $out 'site/sub/index.html') | Should -Be 'page'
            (Get-Item (Join-Path $out 'site/link')).LinkTarget | Should -Be '/etc/passwd'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'names the missing path: ContainerPathNotFound, DestinationNotFound, SourceNotFound, InvalidContainerPath' {
        $c = New-MiniContainer $rootfs true -Name (New-TestName)
        try {
            Copy-MiniContainerItem -InputObject $c -Path /no/such -Destination $hostDir -ErrorVariable e1 -ErrorAction SilentlyContinue
            $e1[0].FullyQualifiedErrorId | Should -BeLike 'ContainerPathNotFound,*'
            $e1[0].TargetObject.Id | Should -Be $c.Id
            Copy-MiniContainerItem -InputObject $c -Path /etc/passwd -Destination (Join-Path $hostDir 'missing/x') -ErrorVariable e2 -ErrorAction SilentlyContinue
            $e2[0].FullyQualifiedErrorId | Should -BeLike 'DestinationNotFound,*'
            Copy-MiniContainerItem -InputObject $c -Path (Join-Path $hostDir 'nothing') -Destination /tmp -ToContainer -ErrorVariable e3 -ErrorAction SilentlyContinue
            $e3[0].FullyQualifiedErrorId | Should -BeLike 'SourceNotFound,*'
            Copy-MiniContainerItem -InputObject $c -Path etc/passwd -Destination $hostDir -ErrorVariable e4 -ErrorAction SilentlyContinue
            $e4[0].FullyQualifiedErrorId | Should -BeLike 'InvalidContainerPath,*'
            Test-Path (Join-Path $hostDir 'missing') | Should -BeFalse
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }
}

Describe 'Copy-MiniContainerItem against a hostile container' {
    BeforeAll {
        # The same path exists on the host and in the container, with different contents: whatever a copy reads or
        # writes shows which side it reached.
        $script:tag = New-TestName 'esc'
        $script:hostFile = "/tmp/$tag-secret"
        Set-Content $hostFile 'host-secret'
        $script:hostTarget = "/tmp/$tag-planted"
        $script:hostDir = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'cpx')
        New-Item -ItemType Directory $hostDir | Out-Null
        Set-Content (Join-Path $hostDir 'payload') 'payload'
        # /etc/x -> /, /tmp/up -> ../../../../.., /tmp/abs -> the host file's path, each a way out for a naive copy.
        $script:plant = "echo container-secret > /tmp/$tag-secret; ln -s / /etc/x; ln -s ../../../../.. /tmp/up; ln -s /tmp/$tag-secret /tmp/abs; ln -s /tmp/$tag-planted /tmp/dangling"
    }
    AfterAll {
        Remove-Item -Force $hostFile, $hostTarget -ErrorAction SilentlyContinue
        Remove-Item -Recurse -Force $hostDir -ErrorAction SilentlyContinue
    }

    It 'running: reads and writes through planted symlinks stay in the container (<Path>)' -ForEach @(
        @{ Path = '/etc/x/tmp' }, @{ Path = '/tmp/up/tmp' }, @{ Path = '/../../../../tmp' }
    ) {
        $c = New-MiniContainer $rootfs sh, -c, "$plant; echo planted; sleep 60" -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Wait-Until { (Get-TestLog $c.Name) -contains 'planted' } | Should -BeTrue
            # The attack is real: the host's own path walk through the init's root follows /etc/x -> / to the host.
            Get-Content "/proc/$($c.Pid)/root/etc/x/tmp/$tag-secret" | Should -Be 'host-secret'

            $out = Join-Path $hostDir "out-$(New-TestName)"
            Copy-MiniContainerItem -InputObject $c -Path "$Path/$tag-secret" -Destination $out
            Get-Content $out | Should -Be 'container-secret'
            Copy-MiniContainerItem -InputObject $c -Path /tmp/abs -Destination "$out-abs"
            Get-Content "$out-abs" | Should -Be 'container-secret'

            Copy-MiniContainerItem -InputObject $c -Path (Join-Path $hostDir 'payload') -Destination "$Path/$tag-planted" -ToContainer
            Test-Path $hostTarget | Should -BeFalse
            Invoke-MiniContainer -InputObject $c -Command cat, "/tmp/$tag-planted" | Should -Be 'payload'
            Copy-MiniContainerItem -InputObject $c -Path (Join-Path $hostDir 'payload') -Destination "$Path/$tag-secret" -ToContainer
            Get-Content $hostFile | Should -Be 'host-secret'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'running: a dangling symlink as the destination is replaced, not followed to the host' {
        $c = New-MiniContainer $rootfs sh, -c, "$plant; echo planted; sleep 60" -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Wait-Until { (Get-TestLog $c.Name) -contains 'planted' } | Should -BeTrue
            Copy-MiniContainerItem -InputObject $c -Path (Join-Path $hostDir 'payload') -Destination /tmp/dangling -ToContainer
            Test-Path $hostTarget | Should -BeFalse
            Invoke-MiniContainer -InputObject $c -Command cat, /tmp/dangling | Should -Be 'payload'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'stopped: the planted symlinks in its upper layer resolve inside its root for reads and writes' {
        $c = New-MiniContainer $rootfs sh, -c, $plant -Name (New-TestName)
        try {
            $c | Start-MiniContainer -Wait
            $upper = Join-Path $stateRoot "containers/$($c.Id)/upper"
            # The attack is real: the host following the upper layer's /etc/x reaches the host's /tmp.
            Get-Content (Join-Path $upper "etc/x/tmp/$tag-secret") | Should -Be 'host-secret'
            foreach ($p in "/etc/x/tmp/$tag-secret", "/tmp/up/tmp/$tag-secret", '/tmp/abs') {
                $out = Join-Path $hostDir "stopped-$(New-TestName)"
                Copy-MiniContainerItem -InputObject $c -Path $p -Destination $out
                Get-Content $out | Should -Be 'container-secret' -Because "$p is read in the container"
            }
            Copy-MiniContainerItem -InputObject $c -Path (Join-Path $hostDir 'payload') -Destination "/etc/x/tmp/$tag-planted" -ToContainer
            Copy-MiniContainerItem -InputObject $c -Path (Join-Path $hostDir 'payload') -Destination "/tmp/up/tmp/$tag-secret" -ToContainer
            Test-Path $hostTarget | Should -BeFalse
            Get-Content $hostFile | Should -Be 'host-secret'
            (Get-Content (Join-Path $upper "tmp/$tag-planted")) | Should -Be 'payload'
            (Get-Content (Join-Path $upper "tmp/$tag-secret")) | Should -Be 'payload'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'copying a tree out never writes through a symlink the destination already has' {
        # First copy: /data/d is a symlink to /tmp (copied as a symlink). Second copy: /data/d is a folder with a
        # file; a copy that wrote through the host's new symlink would create /tmp/<tag>-via on the host.
        $c = New-MiniContainer $rootfs sh, -c, "mkdir /data; ln -s /tmp /data/d; echo one; sleep 60" -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Wait-Until { (Get-TestLog $c.Name) -contains 'one' } | Should -BeTrue
            Copy-MiniContainerItem -InputObject $c -Path /data -Destination $hostDir
            (Get-Item (Join-Path $hostDir 'data/d')).LinkTarget | Should -Be '/tmp'
            Invoke-MiniContainer -InputObject $c -Command sh, -c, "rm /data/d; mkdir /data/d; echo inside > /data/d/$tag-via"
            Copy-MiniContainerItem -InputObject $c -Path /data -Destination $hostDir
            Test-Path "/tmp/$tag-via" | Should -BeFalse
            Get-Content (Join-Path $hostDir "data/d/$tag-via") | Should -Be 'inside'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force; Remove-Item "/tmp/$tag-via" -ErrorAction SilentlyContinue }
    }
}

Describe 'Get-MiniContainerChange (docker diff)' {
    It 'lists Added, Changed and Deleted paths of the upper layer, whiteouts as Deleted' {
        $c = New-MiniContainer $rootfs sh, -c, 'mkdir /newdir; echo x > /newdir/f; rm /etc/os-release; echo more >> /etc/passwd' -Name (New-TestName)
        try {
            (Get-MiniContainerChange -InputObject $c) | Should -BeNullOrEmpty
            $c | Start-MiniContainer -Wait
            $changes = @(Get-MiniContainerChange -InputObject $c)
            $map = @{}; foreach ($ch in $changes) { $map[$ch.Path] = "$($ch.Kind)" }
            $map['/newdir'] | Should -Be 'Added'
            $map['/newdir/f'] | Should -Be 'Added'
            $map['/etc'] | Should -Be 'Changed'
            $map['/etc/passwd'] | Should -Be 'Changed'
            $map['/etc/os-release'] | Should -Be 'Deleted'
            $changes[0].ContainerName | Should -Be $c.Name
            @(Get-MiniContainerChange -InputObject $c -Kind Deleted).Path | Should -Be @('/etc/os-release')
            "$($changes | Where-Object Path -eq '/etc/os-release')" | Should -Be 'D /etc/os-release'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }
}

Describe 'Clear-MiniSystem (docker system prune)' {
    It 'removes every stopped container, keeps running and created ones; -WhatIf removes nothing' {
        $exited = New-MiniContainer $rootfs true -Name (New-TestName)
        $exited | Start-MiniContainer -Wait
        $running = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        $created = New-MiniContainer $rootfs true -Name (New-TestName)
        try {
            Clear-MiniSystem -WhatIf
            (Get-MiniContainer -Id $exited.Id).State | Should -Be 'Exited'
            $removed = @(Clear-MiniSystem -PassThru)
            $removed.Id | Should -Contain $exited.Id
            Assert-Gone $exited.Id
            (Get-MiniContainer -Id $running.Id).State | Should -Be 'Running'
            (Get-MiniContainer -Id $created.Id).State | Should -Be 'Created'
            Clear-MiniSystem -IncludeCreated
            Assert-Gone $created.Id
            (Get-MiniContainer -Id $running.Id).State | Should -Be 'Running'
        }
        finally { Remove-MiniContainer -Id $running.Id, $created.Id, $exited.Id -Force -ErrorAction SilentlyContinue }
    }

    It '-Image also removes images no container uses, and keeps the one a container uses' {
        $unused = New-TestName 'img'; $used = New-TestName 'img'
        $tiny = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'tiny')
        New-Item -ItemType Directory $tiny | Out-Null
        Set-Content (Join-Path $tiny $unused) 'unique content, so its own image id'
        try {
            $u = Import-MiniImage $tiny -Name "${unused}:v1"
            Import-MiniImage $rootfs -Name "${used}:v1" | Out-Null
            $c = New-MiniContainer -Image "${used}:v1" -Command true -Name (New-TestName)
            try {
                Clear-MiniSystem -Image -WhatIf
                @(Get-MiniImage | Where-Object Id -eq $u.Id).Count | Should -Be 1
                $removed = @(Prune-MiniSystem -Image -PassThru)
                $removed.Id | Should -Contain $u.Id
                @(Get-MiniImage | Where-Object Id -eq $u.Id) | Should -BeNullOrEmpty
                @(Get-MiniImage | Where-Object Name -eq $used).Count | Should -Be 1
                (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            }
            finally { Remove-MiniContainer -Id $c.Id -Force; Remove-MiniImage "${used}:v1" -Force -ErrorAction SilentlyContinue }
        }
        finally { Remove-MiniImage "${unused}:v1" -Force -ErrorAction SilentlyContinue; Remove-Item -Recurse -Force $tiny }
    }
}

Describe 'Get-MiniEvent (docker events)' {
    It 'records a container''s life in order: create, start, die (with its exit code), rename, remove; -Since filters' {
        $since = [DateTime]::UtcNow
        $name = New-TestName; $new = New-TestName
        $c = New-MiniContainer $rootfs sh, -c, 'exit 5' -Name $name
        $c | Start-MiniContainer -Wait
        Rename-MiniContainer -InputObject $c -NewName $new
        Remove-MiniContainer -Id $c.Id
        $events = @(Get-MiniEvent -Since $since | Where-Object ContainerId -eq $c.Id)
        $events.Action | Should -Be @('create', 'start', 'die', 'rename', 'remove')
        $events | Should -BeOfType MiniDocker.ContainerEvent
        ($events | Where-Object Action -eq die).ExitCode | Should -Be 5
        ($events | Where-Object Action -eq rename).Detail | Should -Be $name
        ($events | Where-Object Action -eq remove).ContainerName | Should -Be $new
        $events | ForEach-Object { $_.Time | Should -BeGreaterOrEqual $since }
        @(Get-MiniEvent -Since ([DateTime]::UtcNow.AddMinutes(1))) | Should -BeNullOrEmpty
        @(Get-MiniEvent -Until $since | Where-Object ContainerId -eq $c.Id) | Should -BeNullOrEmpty
    }

    It 'records kill (with the signal), pause and unpause' {
        $c = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Suspend-MiniContainer -InputObject $c
            Resume-MiniContainer -InputObject $c
            Stop-MiniContainer -InputObject $c -Signal KILL
            (Wait-MiniContainer -InputObject $c -Timeout 20).ExitCode | Should -Be 137
            $events = @(Get-MiniEvent -Name $c.Name)
            $events.Action | Should -Be @('create', 'start', 'pause', 'unpause', 'kill', 'die')
            ($events | Where-Object Action -eq kill).Detail | Should -Be 'KILL'
            ($events | Where-Object Action -eq die).ExitCode | Should -Be 137
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'records a death nobody watched, once, with its exit code' {
        $c = New-MiniContainer $rootfs sh, -c, 'exit 7' -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Wait-Until { -not (Test-Path "/proc/$($c.Pid)") } | Should -BeTrue
            Wait-Until { @(Get-MiniEvent -Name $c.Name -Action die).Count -eq 1 } | Should -BeTrue
            (Get-MiniEvent -Name $c.Name -Action die).ExitCode | Should -Be 7
            Get-MiniContainer | Out-Null
            Wait-MiniContainer -InputObject $c | Out-Null
            @(Get-MiniEvent -Name $c.Name -Action die).Count | Should -Be 1
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It '-Follow streams events as they happen, including a detached container''s death' {
        $name = New-TestName
        $job = Start-ThreadJob {
            Import-Module $using:env:MINIDOCKER_MODULE
            Get-MiniEvent -Follow -Name $using:name -Since ([DateTime]::UtcNow) | Where-Object Action -eq die | Select-Object -First 1
        }
        try {
            Start-Sleep -Seconds 1
            $c = New-MiniContainer $rootfs sh, -c, 'sleep 1; exit 6' -Name $name | Start-MiniContainer -PassThru
            $got = $job | Wait-Job -Timeout 30 | Receive-Job
            $got.ExitCode | Should -Be 6
            $got.ContainerId | Should -Be $c.Id
        }
        finally { $job | Remove-Job -Force; Remove-MiniContainer -Name $name -Force -ErrorAction SilentlyContinue }
    }

    It 'keeps the log bounded (one rotation) and skips a line a crash cut short' {
        $root = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'ev')
        New-Item -ItemType Directory $root | Out-Null
        try {
            $log = [MiniDocker.Engine.Containers.EventLog]::new($root)
            $old = [MiniDocker.ContainerEvent]@{ Time = [DateTime]::UtcNow; Action = 'create'; ContainerId = 'old'; ContainerName = 'old' }
            $log.Append($old)
            # Fill past the bound with one write, then a torn line as a crash would leave it.
            $line = (Get-Content $log.FilePath -Raw)
            [IO.File]::AppendAllText($log.FilePath, ($line * ([MiniDocker.Engine.Containers.EventLog]::MaxBytes / $line.Length + 1)) + '{"Time":"2026-')
            $log.Append([MiniDocker.ContainerEvent]@{ Time = [DateTime]::UtcNow; Action = 'start'; ContainerId = 'new'; ContainerName = 'new' })
            Test-Path "$($log.FilePath).1" | Should -BeTrue
            (Get-Item $log.FilePath).Length | Should -BeLessThan 1000
            @($log.Read() | Where-Object ContainerId -eq 'new').Count | Should -Be 1
            # Torn line at the end of the current file: the next event still parses.
            [IO.File]::AppendAllText($log.FilePath, '{"Time":"2026-')
            $log.Append([MiniDocker.ContainerEvent]@{ Time = [DateTime]::UtcNow; Action = 'stop'; ContainerId = 'after'; ContainerName = 'after' })
            @($log.Read() | Where-Object ContainerId -eq 'after').Action | Should -Be 'stop'
            $log.Append([MiniDocker.ContainerEvent]@{ Time = [DateTime]::UtcNow; Action = 'stop'; ContainerId = 'x'; ContainerName = 'x' })
            (Get-ChildItem $root -Filter 'events.log*' | Measure-Object Length -Sum).Sum | Should -BeLessThan (2 * [MiniDocker.Engine.Containers.EventLog]::MaxBytes + 4096)
        }
        finally { Remove-Item -Recurse -Force $root }
    }
}

Describe 'Wait-MiniContainer -LogPattern / -Condition (readiness)' {
    It '-LogPattern returns the running container once the current run logs a matching line' {
        $name = New-TestName
        $c = New-MiniContainer $rootfs sh, -c, 'sleep 1; echo "server ready on 8080"; sleep 60' -Name $name -AutoRemove | Start-MiniContainer -PassThru
        try {
            $r = $c | Wait-MiniContainer -LogPattern 'ready on \d+' -Timeout 20
            $r.State | Should -Be 'Running'
            Get-TestLog $name | Should -Contain 'server ready on 8080'
        }
        finally { Stop-MiniContainer -Id $c.Id -Timeout 0 -ErrorAction SilentlyContinue; Assert-Gone $c.Id }
    }

    It '-Condition runs with the fresh container as $_ until it returns true' {
        $c = New-MiniContainer $rootfs sh, -c, 'sleep 1; echo yes > /tmp/ready; sleep 60' -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            $r = Wait-MiniContainer -InputObject $c -Condition { (Invoke-MiniContainer -InputObject $_ -Command cat, /tmp/ready 2>$null) -eq 'yes' } -Timeout 20
            $r.Id | Should -Be $c.Id
            Invoke-MiniContainer -InputObject $c -Command cat, /tmp/ready | Should -Be 'yes'
        }
        finally { Remove-MiniContainer -Id $c.Id -Force }
    }

    It 'is ContainerExitedBeforeReady when the container stops first, and WaitTimeout when time runs out' {
        $a = New-MiniContainer $rootfs sh, -c, 'echo starting; exit 3' -Name (New-TestName) | Start-MiniContainer -PassThru
        $b = New-MiniContainer $rootfs sleep, 60 -Name (New-TestName) | Start-MiniContainer -PassThru
        try {
            Wait-MiniContainer -InputObject $a -LogPattern 'ready' -Timeout 20 -ErrorVariable e1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e1[0].FullyQualifiedErrorId | Should -BeLike 'ContainerExitedBeforeReady,*'
            $e1[0].Exception.Message | Should -BeLike '*exit code 3*'
            $e1[0].TargetObject.Id | Should -Be $a.Id
            Wait-MiniContainer -InputObject $b -Condition { $false } -Timeout 1 -ErrorVariable e2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e2[0].FullyQualifiedErrorId | Should -BeLike 'WaitTimeout,*'
            { Wait-MiniContainer -InputObject $b -LogPattern '(' } | Should -Throw -ErrorId 'InvalidLogPattern,*'
        }
        finally { Remove-MiniContainer -Id $a.Id, $b.Id -Force }
    }
}

Describe 'about_MiniDocker_Docker' {
    It 'is installed and names every cmdlet of the module, and the docker words of this suite' {
        $text = Get-Help about_MiniDocker_Docker | Out-String
        foreach ($cmdlet in (Get-Command -Module MiniDocker -CommandType Cmdlet).Name) { $text | Should -Match ([regex]::Escape($cmdlet)) }
        foreach ($word in 'docker run --rm', 'docker restart', 'docker cp', 'docker diff', 'docker system prune', 'docker events', 'docker build') {
            $text | Should -Match ([regex]::Escape($word))
        }
    }
}
