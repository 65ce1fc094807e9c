# Exec, interactive sessions, the -Init PID 1 and logs, observed in real running containers.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    function Start-TestContainer([string[]]$Command = @('sleep', '300'), [hashtable]$Options = @{}) {
        New-MiniContainer $rootfs $Command -Name (New-TestName 'exec') @Options | Start-MiniContainer -PassThru
    }
}

Describe 'Invoke-MiniContainer runs a command inside a running container' {
    BeforeAll { $script:web = Start-TestContainer -Options @{ Hostname = 'exec-box' } }
    AfterAll { Remove-MiniContainer -InputObject $web -Force }

    It 'joins every namespace of the init: hostname, mounts, PID namespace' {
        Invoke-MiniContainer -InputObject $web -Command hostname | Should -Be 'exec-box'
        $ns = Invoke-MiniContainer -InputObject $web -Command sh, -c, 'for n in ipc mnt net pid uts cgroup; do echo "$(readlink /proc/self/ns/$n) $(readlink /proc/1/ns/$n)"; done'
        $ns.Count | Should -Be 6
        foreach ($pair in $ns) { $a, $b = $pair -split ' '; $a | Should -Be $b }
        # ... and they are the init's namespaces as the host sees them, not the host's own.
        $mnt = (Get-Item "/proc/$($web.Pid)/ns/mnt").LinkTarget
        $ns[1] -split ' ' | Select-Object -First 1 | Should -Be $mnt
        $mnt | Should -Not -Be (Get-Item /proc/self/ns/mnt).LinkTarget
        $ps = Invoke-MiniContainer -InputObject $web -Command ps, -o, 'pid,args'
        $ps | Where-Object { $_ -match '^\s*1\s+sleep 300$' } | Should -HaveCount 1
    }

    It 'is in the container''s cgroup: the pids count rises while its process runs' {
        $pidsDir = (Get-ContainerRecord $web).CgroupPaths | Where-Object { Test-Path (Join-Path $_ 'pids.current') } | Select-Object -First 1
        $pidsDir | Should -Not -BeNullOrEmpty
        [int](Get-Content (Join-Path $pidsDir 'pids.current')) | Should -Be 1
        # The exec'd shell leaves a sleep behind; it is reparented to the container's init.
        Invoke-MiniContainer -InputObject $web -Command sh, -c, 'sleep 300 >/dev/null 2>&1 &'
        [int](Get-Content (Join-Path $pidsDir 'pids.current')) | Should -Be 2
        Invoke-MiniContainer -InputObject $web -Command cat, /proc/self/cgroup | Should -Be (Invoke-MiniContainer -InputObject $web -Command cat, /proc/1/cgroup)
        Invoke-MiniContainer -InputObject $web -Command pkill, sleep, -f, 'sleep 300$' -ErrorAction SilentlyContinue
    }

    It 'holds only fds 0-2, and its cwd is inside the container' {
        Invoke-MiniContainer -InputObject $web -Command /bin/mdtest, fds | Should -Be @('0', '1', '2')
        Invoke-MiniContainer -InputObject $web -Command readlink, /proc/self/cwd | Should -Be '/'
    }

    It 'gets the init''s capabilities, no_new_privs and seccomp; -User switches the user' {
        $fields = '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):'
        $init = Invoke-MiniContainer -InputObject $web -Command grep, -E, $fields, /proc/1/status
        $self = Invoke-MiniContainer -InputObject $web -Command grep, -E, $fields, /proc/self/status
        $init | Should -HaveCount 7
        $self | Should -Be $init
        $self | Should -Contain ((($self -match '^CapEff') -split '\s+')[0] + "`t00000000a80425fb")
        ($self -match '^NoNewPrivs') -replace '\s+', ' ' | Should -Be 'NoNewPrivs: 1'
        ($self -match '^Seccomp:') -replace '\s+', ' ' | Should -Be 'Seccomp: 2'
        Invoke-MiniContainer -InputObject $web -Command id, -u -User nobody | Should -Be '65534'
        (Invoke-MiniContainer -InputObject $web -Command grep, CapEff, /proc/self/status -User nobody) -replace '\s+', ' ' | Should -Be 'CapEff: 0000000000000000'
        Invoke-MiniContainer -InputObject $web -Command sh, -c, 'echo $HOME' -User nobody | Should -Be '/nonexistent'
        { Invoke-MiniContainer -InputObject $web -Command true -User no-such-user -ErrorAction Stop } | Should -Throw -ErrorId 'UserNotFound*'
    }

    It 'passes the exit code through to $LASTEXITCODE and -PassThru (128+N for a signal)' {
        Invoke-MiniContainer -InputObject $web -Command sh, -c, 'exit 42'
        $LASTEXITCODE | Should -Be 42
        $r = Invoke-MiniContainer -InputObject $web -Command sh, -c, 'echo out; exit 3' -PassThru
        $r[0] | Should -Be 'out'
        $r[1] | Should -BeOfType MiniDocker.ExecResult
        $r[1].ExitCode | Should -Be 3
        $r[1].ContainerName | Should -Be $web.Name
        (Invoke-MiniContainer -InputObject $web -Command sh, -c, 'kill -9 $$' -PassThru).ExitCode | Should -Be 137
    }

    It 'streams stdout as strings and stderr to the error stream' {
        $errs = $null
        $out = Invoke-MiniContainer -InputObject $web -Command sh, -c, 'echo one; echo bad >&2; echo two' -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -Be @('one', 'two')
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^ContainerStandardError'
        $errs[0].TargetObject.Name | Should -Be $web.Name
        "$($errs[0])" | Should -Be 'bad'
    }

    It 'under $ErrorActionPreference = Stop, stderr does not stop the script; a non-zero exit only with $PSNativeCommandUseErrorActionPreference' {
        $thrown = $null
        $errs = $null
        $out = & {
            $ErrorActionPreference = 'Stop'
            try { Invoke-MiniContainer -InputObject $web -Command sh, -c, 'echo one; echo bad >&2; echo two; exit 5' -ErrorVariable errs } catch { $thrown = $_ }
        }
        $thrown | Should -BeNullOrEmpty
        $out | Should -Be @('one', 'two')
        $errs | Should -HaveCount 1
        $LASTEXITCODE | Should -Be 5
        $thrown = & {
            $ErrorActionPreference = 'Stop'
            $PSNativeCommandUseErrorActionPreference = $true
            try { Invoke-MiniContainer -InputObject $web -Command sh, -c, 'exit 6'; $null } catch { $_ }
        }
        $thrown.FullyQualifiedErrorId | Should -Match '^ContainerExitedWithError'
        $thrown.TargetObject.Name | Should -Be $web.Name
        $LASTEXITCODE | Should -Be 6
        # Opted in, a zero exit is no error.
        & { $ErrorActionPreference = 'Stop'; $PSNativeCommandUseErrorActionPreference = $true; Invoke-MiniContainer -InputObject $web -Command true } | Should -BeNullOrEmpty
    }

    It 'uses -Environment on top of the container''s environment, and -WorkingDirectory' {
        Invoke-MiniContainer -InputObject $web -Command sh, -c, 'echo "$GREETING|$HOSTNAME"; pwd' -Environment @{ GREETING = 'hi there' } -WorkingDirectory /tmp |
            Should -Be @('hi there|exec-box', '/tmp')
    }

    It 'fails with a specific error for a missing command or working directory' {
        { Invoke-MiniContainer -InputObject $web -Command no-such-program -ErrorAction Stop } | Should -Throw -ErrorId 'CommandNotFound*'
        { Invoke-MiniContainer -InputObject $web -Command true -WorkingDirectory /no/such -ErrorAction Stop } | Should -Throw -ErrorId 'WorkingDirectoryNotFound*'
    }

    It 'on Ctrl+C stops waiting at once and kills the command, not the container' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MINIDOCKER_MODULE'; Invoke-MiniContainer -Name '$($web.Name)' -Command sh, -c, 'echo started; exec sleep 250'")
        $out = [Management.Automation.PSDataCollection[psobject]]::new()
        $handle = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $out)
        Wait-Until { $out.Count -gt 0 } | Should -BeTrue
        $ps.Stop()
        $handle.IsCompleted | Should -BeTrue
        $ps.Dispose()
        Wait-Until { -not (Invoke-MiniContainer -InputObject $web -Command ps, -o, args | Where-Object { $_ -eq 'sleep 250' }) } | Should -BeTrue
        (Get-MiniContainer -Name $web.Name).State | Should -Be 'Running'
    }
}

Describe 'Invoke-MiniContainer refuses containers that are not running' {
    It 'fails with ContainerNotRunning for a stopped container' {
        $c = Start-TestContainer -Command true
        Wait-MiniContainer -InputObject $c | Out-Null
        { Invoke-MiniContainer -InputObject $c -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotRunning*'
        Remove-MiniContainer -InputObject $c
        $created = New-MiniContainer $rootfs sleep, 1 -Name (New-TestName)
        { Invoke-MiniContainer -InputObject $created -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotRunning*'
        Remove-MiniContainer -InputObject $created
    }

    It 'fails with ContainerNotFound for an unknown container' {
        { Invoke-MiniContainer -Name 'no-such-container' -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotFound*'
    }
}

Describe '-Init: the helper as PID 1' {
    It 'reaps an orphan: no defunct (zombie) process is left' {
        $c = Start-TestContainer -Command sleep, 300 -Options @{ Init = $true }
        Invoke-MiniContainer -InputObject $c -Command sh, -c, '(sleep 0.2 &); exit 0'
        # Until the orphan has exited and been reaped (an unreaped one stays a zombie, and this times out).
        Wait-Until { -not (Invoke-MiniContainer -InputObject $c -Command ps, -o, 'pid,stat,args' | Select-String '\bZ\b|defunct|sleep 0\.2') } | Should -BeTrue
        Invoke-MiniContainer -InputObject $c -Command ps, -o, 'pid,stat,args' | Should -Not -Match '\bZ\b|defunct'
        # PID 1 is the helper, titled neutrally: its cmdline names no host path (nor the helper).
        $cmdline = Invoke-MiniContainer -InputObject $c -Command sh, -c, "tr '\0' ' ' < /proc/1/cmdline"
        $cmdline | Should -Match '^minidocker-init\s*$'
        $cmdline | Should -Not -Match '/|mdhelper'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'forwards SIGTERM to the command' {
        $c = Start-TestContainer -Command /bin/mdtest, trapterm -Options @{ Init = $true }
        Wait-Until { (Get-TestLog $c.Name) -contains 'trapping SIGTERM' } | Should -BeTrue   # a loaded host may not have run it yet
        (Stop-MiniContainer -InputObject $c -Timeout 10 -PassThru).ExitCode | Should -Be 143
        (Get-MiniContainerLog -InputObject $c).Text | Should -Contain 'got SIGTERM'
        Remove-MiniContainer -InputObject $c
    }
}

Describe 'Enter-MiniContainer: an interactive shell on a pty' {
    BeforeAll {
        $script:box = Start-TestContainer -Options @{ Hostname = 'tty-box' }
        $script:socket = "md-exec-$PID"
        $script:dir = Join-Path ([IO.Path]::GetTempPath()) "md-tty-$PID"
        New-Item -ItemType Directory -Force $dir | Out-Null
    }
    AfterAll {
        tmux -L $socket kill-server 2>$null
        Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
        Remove-MiniContainer -InputObject $box -Force
    }

    It 'runs hostname and exit through tmux, and leaves the terminal as it was' {
        Get-Command tmux -ErrorAction Stop | Out-Null
        Start-TestTerminal $socket | Should -BeTrue
        Send-Line "Import-Module '$env:MINIDOCKER_MODULE'; stty -a > '$dir/before'; 'ready-' + 1"
        Wait-Until { (Get-Pane) -match 'ready-1' } 20 | Should -BeTrue

        Send-Line "Enter-MiniContainer -Name $($box.Name)"
        Wait-Until { (Get-Pane) -match '(?m)^/ #' } 20 | Should -BeTrue
        # While the session runs the caller's terminal is raw: no echo, no line editing, no signals.
        $tty = tmux -L $socket display-message -p -t tty '#{pane_tty}'
        $raw = (stty -a -F $tty) -join " "
        $raw | Should -Match '-icanon'
        $raw | Should -Match '-echo\b'
        $raw | Should -Match '-isig'
        Send-Line 'hostname'
        Wait-Until { (Get-Pane) -match "(?m)^tty-box\s*$" } 10 | Should -BeTrue
        $prompts = [regex]::Matches((Get-Pane), '(?m)^PS ').Count
        Send-Line 'exit 5'
        # Keys typed before pwsh has its terminal back would still go to the container.
        Wait-Until { [regex]::Matches((Get-Pane), '(?m)^PS ').Count -gt $prompts } 20 | Should -BeTrue
        Send-Line "`$code = `$LASTEXITCODE; stty -a > '$dir/after'; 'back-' + `$code"
        Wait-Until { (Get-Pane) -match 'back-5' } 20 | Should -BeTrue
        Get-Content "$dir/after" | Should -Be (Get-Content "$dir/before")
        (Get-Content "$dir/before") -join ' ' | Should -Match '\bicanon\b'
    }

    It 'refuses without a terminal' {
        $pwsh = Join-Path $PSHOME pwsh
        $out = '' | & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$env:MINIDOCKER_MODULE'; try { Enter-MiniContainer -Name $($box.Name) -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }"
        $out | Should -Match '^NoTerminal'
    }
}

Describe 'Get-MiniContainerLog: follow, timestamps, since, size cap' {
    It 'follows lines in order, with timestamps, while the container writes them' {
        # The container writes its first line, then waits for a gate that only the follower opens, on
        # seeing that line: so the line must come while the container runs (a state, not a time). It gives
        # up waiting after 60 s, so a follower that only delivers at exit fails here instead of hanging.
        $gate = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'follow-gate')
        $script = 'i=1; echo "line $i"; n=0; while [ ! -e /gate/go ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done; while [ $i -lt 20 ]; do i=$((i+1)); echo "line $i"; done'
        $c = New-MiniContainer $rootfs /bin/sh, -c, $script -Volume "${gate}:/gate" -Name (New-TestName 'log') | Start-MiniContainer -PassThru
        $stateAtFirst = $null
        $got = @(Get-MiniContainerLog -InputObject $c -Follow | ForEach-Object {
                if (-not $stateAtFirst) { $stateAtFirst = (Get-MiniContainer -Id $c.Id).State; New-Item -ItemType File (Join-Path $gate 'go') | Out-Null }
                $_ })
        $got.Text | Should -Be (1..20 | ForEach-Object { "line $_" })
        $got.Stream | Sort-Object -Unique | Should -Be 'stdout'
        for ($i = 1; $i -lt $got.Count; $i++) { $got[$i].Timestamp | Should -BeGreaterOrEqual $got[$i - 1].Timestamp }
        $stateAtFirst | Should -Be 'Running'
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Exited'
        Remove-MiniContainer -InputObject $c
    }

    It 'shows timestamps with -Timestamps and filters with -Since; the log survives exit and goes with remove' {
        $c = New-MiniContainer $rootfs /bin/mdtest, lines, 10, 20 -Name (New-TestName 'log') | Start-MiniContainer -PassThru
        Wait-MiniContainer -InputObject $c | Out-Null
        $all = Get-MiniContainerLog -InputObject $c
        $all | Should -HaveCount 10
        $text = Get-MiniContainerLog -InputObject $c -Timestamps | Out-String -Width 200
        $text | Should -Match '(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z\s+stdout\s+line 1\s*$'
        (Get-MiniContainerLog -InputObject $c -Since $all[6].Timestamp).Text | Should -Be @('line 7', 'line 8', 'line 9', 'line 10')
        (Get-MiniContainerLog -InputObject $c -Since $all[6].Timestamp -Tail 2).Text | Should -Be @('line 9', 'line 10')
        $dir = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)"
        Join-Path $dir container.log | Should -Exist
        Remove-MiniContainer -InputObject $c
        $dir | Should -Not -Exist
    }

    It '-Tail reads the last entries across a rotation, and -Tail -Follow starts there and goes on to the end' {
        $gate = Join-Path $TestDrive 'gate'
        $null = New-Item -ItemType Directory $gate
        $env:MINIDOCKER_LOG_MAX_BYTES = '4096'
        try {
            $c = New-MiniContainer $rootfs sh, -c, 'i=1; while [ $i -le 300 ]; do echo "line $i"; i=$((i+1)); done; while [ ! -e /gate/go ]; do sleep 0.05; done; echo last' `
                -Volume "${gate}:/gate" -Name (New-TestName 'log') | Start-MiniContainer -PassThru
        } finally { Remove-Item Env:MINIDOCKER_LOG_MAX_BYTES }
        Wait-Until { (Get-MiniContainerLog -InputObject $c -Tail 1).Text -eq 'line 300' } | Should -Be $true
        $dir = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)"
        $currentLines = @(Get-Content (Join-Path $dir container.log)).Count - 1   # less the rotation marker
        $n = $currentLines + 5                                                    # so the tail reaches into container.log.1
        (Get-MiniContainerLog -InputObject $c -Tail $n).Text | Should -Be ((301 - $n)..300 | ForEach-Object { "line $_" })
        Get-MiniContainerLog -InputObject $c -Tail 0 | Should -BeNullOrEmpty
        # The follower gets the last three, then what the container writes once it has seen them.
        $got = Get-MiniContainerLog -InputObject $c -Tail 3 -Follow | ForEach-Object {
            $_.Text
            if ($_.Text -eq 'line 300') { $null = New-Item (Join-Path $gate go) }
        }
        $got | Should -Be @('line 298', 'line 299', 'line 300', 'last')
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'caps the log size: the monitor rotates once, keeping the newest lines in order' {
        $env:MINIDOCKER_LOG_MAX_BYTES = '4096'
        try {
            $c = New-MiniContainer $rootfs /bin/mdtest, lines, 400, 0 -Name (New-TestName 'log') | Start-MiniContainer -PassThru
            Wait-MiniContainer -InputObject $c | Out-Null
        } finally { Remove-Item Env:MINIDOCKER_LOG_MAX_BYTES }
        $dir = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)"
        (Get-Item (Join-Path $dir container.log)).Length | Should -BeLessThan 4096
        (Get-Item (Join-Path $dir container.log.1)).Length | Should -BeLessThan (4096 + 100)
        $kept = (Get-MiniContainerLog -InputObject $c).Text
        $kept.Count | Should -BeLessThan 400
        $kept[-1] | Should -Be 'line 400'
        $first = [int]($kept[0] -replace 'line ')
        $kept | Should -Be ($first..400 | ForEach-Object { "line $_" })
        Remove-MiniContainer -InputObject $c
    }
}
