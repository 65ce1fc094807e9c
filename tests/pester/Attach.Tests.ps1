# Attach (Start-MiniContainer -Wait) streams from the monitor, losslessly and in order; the log is a
# capped history that a follower may fall behind, and is then told how much it missed.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS

    # Runs SCRIPT with a small log cap, so the monitor rotates the log many times while it runs.
    function Invoke-WithLogCap([int]$Bytes, [scriptblock]$Script) {
        $env:MINIDOCKER_LOG_MAX_BYTES = "$Bytes"
        try { & $Script } finally { Remove-Item Env:MINIDOCKER_LOG_MAX_BYTES }
    }

    # The bytes one stdout line takes in the log: "<31-byte timestamp>stdout <text>\n".
    function Get-LogLineBytes([string]$Text) { 31 + 'stdout '.Length + $Text.Length + 1 }
}

Describe 'Start-MiniContainer -Wait streams from the monitor' {
    It 'delivers every line of a 200000-line flood in order while the log rotates at 64 KiB' {
        $n = 50000
        $c = New-MiniContainer $rootfs /bin/mdtest, flood, $n -Name (New-TestName 'flood')
        $state = @{ Next = 1; FirstWrong = $null }
        Invoke-WithLogCap 65536 {
            Start-MiniContainer -InputObject $c -Wait | ForEach-Object {
                if ($null -eq $state.FirstWrong -and $_ -ne "line $($state.Next)") { $state.FirstWrong = "#$($state.Next): '$_'" }
                $state.Next++
            }
        }
        $state.FirstWrong | Should -BeNullOrEmpty
        $state.Next - 1 | Should -Be $n
        $LASTEXITCODE | Should -Be 0
        # The log kept only its cap (two files), not the flood.
        $dir = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)"
        (Get-Item (Join-Path $dir container.log)).Length | Should -BeLessThan (65536 + 100)
        Remove-MiniContainer -InputObject $c
    }

    It 'keeps the order of interleaved stdout and stderr lines (2>&1)' {
        $c = New-MiniContainer $rootfs /bin/mdtest, alternate, 1000 -Name (New-TestName 'alt')
        $got = Invoke-WithLogCap 4096 { Start-MiniContainer -InputObject $c -Wait 2>&1 }
        $got | Should -HaveCount 1000
        ($got | ForEach-Object { "$_" }) | Should -Be (1..1000 | ForEach-Object { "$_" })
        # Odd lines were stdout (strings), even ones stderr (error records with the container as target).
        $got[0] | Should -BeOfType string
        $got[1] | Should -BeOfType System.Management.Automation.ErrorRecord
        $got[1].FullyQualifiedErrorId | Should -Match '^ContainerStandardError'
        $got[1].TargetObject.Name | Should -Be $c.Name
        @($got | Where-Object { $_ -is [Management.Automation.ErrorRecord] }) | Should -HaveCount 500
        Remove-MiniContainer -InputObject $c
    }

    It 'misses nothing a fast command writes before the client connects' {
        # The monitor holds the output until the engine has attached: the first bytes are never lost.
        foreach ($i in 1..5) {
            $c = New-MiniContainer $rootfs /bin/mdtest, echo, "first-$i" -Name (New-TestName 'fast')
            Start-MiniContainer -InputObject $c -Wait | Should -Be "first-$i"
            Remove-MiniContainer -InputObject $c
        }
    }

    It 'listens on a 0600 attach socket in the container''s 0700 run directory' {
        $c = New-MiniContainer $rootfs sleep, 30 -Name (New-TestName 'sock') | Start-MiniContainer -PassThru
        $run = Join-Path $env:MINIDOCKER_RUN_ROOT "containers/$($c.Id)"
        (stat -c '%a %F' $run) | Should -Be '700 directory'
        (stat -c '%a %F' (Join-Path $run attach)) | Should -Be '600 socket'
        # The monitor holds it: a listening (flag 00010000) seqpacket (type 0005) socket bound to .../attach.
        $monitorSockets = Get-ChildItem "/proc/$($c.MonitorPid)/fd" | ForEach-Object { $_.LinkTarget } |
            Where-Object { $_ -match '^socket:\[(\d+)\]$' } | ForEach-Object { $Matches[1] }
        $listening = @(Get-Content /proc/net/unix | Select-Object -Skip 1 | ForEach-Object {
                $f = $_.Trim() -split '\s+'
                if ($f.Count -ge 8) { [pscustomobject]@{ Flags = $f[3]; Type = $f[4]; Inode = $f[6]; Path = $f[7] } }
            } | Where-Object { $_.Inode -in $monitorSockets -and $_.Path -like '*/attach' })
        $listening | Should -HaveCount 1
        $listening[0].Flags | Should -Be '00010000'
        $listening[0].Type | Should -Be '0005'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'on Ctrl+C stops waiting at once; the container runs on and its output still reaches the log' {
        $c = New-MiniContainer $rootfs sh, -c, 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.01; done' -Name (New-TestName 'ctrlc')
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MINIDOCKER_MODULE'; Start-MiniContainer -Name '$($c.Name)' -Wait")
        $out = [Management.Automation.PSDataCollection[psobject]]::new()
        $handle = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]::new(), $out)
        Wait-Until { $out.Count -gt 5 } | Should -BeTrue
        $ps.Stop()
        $handle.IsCompleted | Should -BeTrue
        $ps.Dispose()
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Running'
        # The monitor dropped the client that hung up instead of waiting for it: the log keeps growing.
        $before = @(Get-MiniContainerLog -InputObject $c).Count
        Wait-Until { @(Get-MiniContainerLog -InputObject $c).Count -gt $before + 20 } | Should -BeTrue
        Remove-MiniContainer -InputObject $c -Force
    }
}

Describe 'stderr of Start-MiniContainer -Wait under $ErrorActionPreference = Stop' {
    It 'writes stderr as non-terminating errors and keeps streaming to the end; the exit code goes to $LASTEXITCODE' {
        $c = New-MiniContainer $rootfs sh, -c, 'echo one; echo bad >&2; echo two; exit 3' -Name (New-TestName 'eap')
        $thrown = $null
        $errs = $null
        $out = & {
            $ErrorActionPreference = 'Stop'
            try { Start-MiniContainer -InputObject $c -Wait -ErrorVariable errs } catch { $thrown = $_ }
        }
        $thrown | Should -BeNullOrEmpty
        $out | Should -Be @('one', 'two')
        $LASTEXITCODE | Should -Be 3
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Exited'
        Remove-MiniContainer -InputObject $c
    }

    It 'raises an error for a non-zero exit only with $PSNativeCommandUseErrorActionPreference' {
        $c = New-MiniContainer $rootfs /bin/mdtest, exit, 4 -Name (New-TestName 'eap')
        $thrown = & {
            $ErrorActionPreference = 'Stop'
            $PSNativeCommandUseErrorActionPreference = $true
            try { Start-MiniContainer -InputObject $c -Wait; $null } catch { $_ }
        }
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -Match '^ContainerExitedWithError'
        $LASTEXITCODE | Should -Be 4
        $thrown = & {
            $ErrorActionPreference = 'Stop'
            $PSNativeCommandUseErrorActionPreference = $false
            try { Start-MiniContainer -InputObject $c -Wait; $null } catch { $_ }
        }
        $thrown | Should -BeNullOrEmpty
        Remove-MiniContainer -InputObject $c
    }
}

Describe 'Get-MiniContainerLog -Follow across rotations' {
    It 'never throws when it falls behind, and says how many bytes it missed' {
        $n = 5000
        $c = New-MiniContainer $rootfs /bin/mdtest, lines, $n, 0 -Name (New-TestName 'follow')
        $warnings = $null
        $got = [Collections.Generic.List[int]]::new()
        $c = Invoke-WithLogCap 4096 { Start-MiniContainer -InputObject $c -PassThru }
        # A reader that falls behind: it takes the first entry, then waits until the container has written everything.
        Get-MiniContainerLog -InputObject $c -Follow -WarningVariable warnings -WarningAction SilentlyContinue | ForEach-Object {
            if ($got.Count -eq 0) { Wait-MiniContainer -InputObject $c | Out-Null }
            $got.Add([int]($_.Text -replace '^line '))
        }
        $got[-1] | Should -Be $n
        for ($i = 1; $i -lt $got.Count; $i++) { if ($got[$i] -le $got[$i - 1]) { throw "out of order at $i`: $($got[$i - 1]) then $($got[$i])" } }
        $got.Count | Should -BeLessThan $n
        $warnings | Should -Not -BeNullOrEmpty
        $missed = 0L
        foreach ($w in $warnings) { "$w" | Should -Match 'missed (\d+) bytes'; $missed += [long]([regex]::Match("$w", 'missed (\d+) bytes').Groups[1].Value) }
        # The warned count covers exactly the lines it did not get, plus the rotation marker line of each skipped file.
        $seen = [Collections.Generic.HashSet[int]]::new($got)
        $missingBytes = 0L
        foreach ($i in ($got[0])..$n) { if (-not $seen.Contains($i)) { $missingBytes += Get-LogLineBytes "line $i" } }
        $missingBytes | Should -BeGreaterThan 0
        $missed | Should -BeGreaterOrEqual $missingBytes
        $missed | Should -BeLessOrEqual ($missingBytes + 64 * ([math]::Ceiling($missed / 4000) + 2))
        Remove-MiniContainer -InputObject $c
    }

    It 'follows every line in order when it keeps up with the rotations' {
        $c = New-MiniContainer $rootfs /bin/mdtest, lines, 200, 15 -Name (New-TestName 'follow')
        $c = Invoke-WithLogCap 4096 { Start-MiniContainer -InputObject $c -PassThru }
        $got = Get-MiniContainerLog -InputObject $c -Follow -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $got.Text | Should -Be (1..200 | ForEach-Object { "line $_" })
        Remove-MiniContainer -InputObject $c
    }
}
