# Start-MiniContainer -Interactive (docker run -it): the init on a pty relayed to the caller's terminal, driven through tmux.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:socket = "md-interactive-$PID"
    $script:dir = Join-Path ([IO.Path]::GetTempPath()) "md-interactive-$PID"
    New-Item -ItemType Directory -Force $dir | Out-Null
}

AfterAll {
    Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue
}

Describe 'Start-MiniContainer -Interactive: the init on a pty, relayed to this terminal' {
    AfterEach {
        tmux -L $socket kill-server 2>$null
        if ($c) { Remove-MiniContainer -InputObject $c -Force -ErrorAction SilentlyContinue }
    }

    It 'runs sh as the init (-Init: <Init>): hostname, its PID, exit 3; the terminal is restored' -ForEach @(
        @{ Init = $false; ShellPid = 1 }
        @{ Init = $true; ShellPid = 2 }
    ) {
        Get-Command tmux -ErrorAction Stop | Out-Null
        $script:c = New-MiniContainer $rootfs sh -Name (New-TestName 'it') -Hostname 'it-box' -Init:$Init
        Start-TestTerminal $socket | Should -BeTrue
        Send-Line "Import-Module '$env:MINIDOCKER_MODULE'; stty -a > '$dir/before'; 'ready-' + 1"
        Wait-Until { (Get-Pane) -match 'ready-1' } 20 | Should -BeTrue

        Send-Line "Start-MiniContainer -Name $($c.Name) -Interactive"
        Wait-Until { (Get-Pane) -match '(?m)^/ #' } 20 | Should -BeTrue
        # While the container runs the caller's terminal is raw: no echo, no line editing, no signals.
        $tty = tmux -L $socket display-message -p -t tty '#{pane_tty}'
        $raw = (stty -a -F $tty) -join " "
        $raw | Should -Match '-icanon'
        $raw | Should -Match '-isig'
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Running'
        Send-Line 'hostname'
        Wait-Until { (Get-Pane) -match "(?m)^it-box\s*$" } 10 | Should -BeTrue
        Send-Line 'echo pid-$$; tty'
        Wait-Until { (Get-Pane) -match "(?m)^pid-$ShellPid\s*$" } 10 | Should -BeTrue
        (Get-Pane) | Should -Match '(?m)^/dev/pts/0\s*$'
        $prompts = [regex]::Matches((Get-Pane), '(?m)^PS ').Count
        Send-Line 'exit 3'
        # Keys typed before pwsh has its terminal back would still go to the container.
        Wait-Until { [regex]::Matches((Get-Pane), '(?m)^PS ').Count -gt $prompts } 20 | Should -BeTrue
        Send-Line "`$code = `$LASTEXITCODE; stty -a > '$dir/after'; 'back-' + `$code"
        Wait-Until { (Get-Pane) -match 'back-3' } 20 | Should -BeTrue
        Get-Content "$dir/after" | Should -Be (Get-Content "$dir/before")
        (Get-Content "$dir/before") -join ' ' | Should -Match '\bicanon\b'

        $done = Get-MiniContainer -Name $c.Name
        $done.State | Should -Be 'Exited'
        $done.ExitCode | Should -Be 3
        # What the pty printed is in the container's log too.
        (Get-MiniContainerLog -InputObject $c).Text | Should -Contain "pid-$ShellPid"
    }

    It 'refuses without a terminal, and refuses -Wait:$false' {
        $script:c = New-MiniContainer $rootfs sh -Name (New-TestName 'it')
        $pwsh = Join-Path $PSHOME pwsh
        $out = '' | & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$env:MINIDOCKER_MODULE'; try { Start-MiniContainer -Name $($c.Name) -Interactive -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }"
        $out | Should -Match '^NoTerminal'
        { Start-MiniContainer -InputObject $c -Interactive -Wait:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InteractiveAlwaysWaits*'
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Created'
    }
}
