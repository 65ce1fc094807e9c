# Parallel starts (issue 15): a start must never fail because another one runs at the same time. Each
# round begins with no container, so the shared parent cgroups are made by racing starts (on v1 only in
# the first round: the v1 parent stays): on v1 an empty cpuset parent used to make a start fail with
# ENOSPC at step 'cgroup'.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    # Bounded: the emulated VM runs pwsh 13-25x slower (one round of 8 takes ~90 s there).
    $script:rounds = if ($env:MINIDOCKER_IN_VM -eq "1") { 1 } elseif ($env:MINIDOCKER_PARALLEL_ROUNDS) { [int]$env:MINIDOCKER_PARALLEL_ROUNDS } else { 5 }

    # One container's life, for a runspace or a pwsh of its own: "ok EXITCODE" or "fail MESSAGE". A barrier
    # (a directory where each cycle leaves a file once its module is loaded) lines the COUNT cycles up, so
    # they really create their cgroups at the same moment.
    $script:cycle = {
        param($Name, $RootFs, $Module, $Barrier, $Count)
        try {
            Import-Module $Module
            New-Item -ItemType File (Join-Path $Barrier $Name) | Out-Null
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (@(Get-ChildItem $Barrier).Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 5 }
            $c = New-MiniContainer $RootFs /bin/mdtest, exit, 7 -Name $Name -ErrorAction Stop
            $done = Start-MiniContainer -InputObject $c -PassThru -ErrorAction Stop | Wait-MiniContainer -ErrorAction Stop
            if ($null -eq $done.ExitCode) {
                $log = (Get-MiniContainerLog -InputObject $done | ForEach-Object Text) -join ' | '
                "fail ${Name}: no exit code (state $($done.State): $($done.Error); log: $log)"
            } else { "ok $($done.ExitCode)" }
            Remove-MiniContainer -InputObject $done -Force -Confirm:$false -ErrorAction Stop
        } catch { "fail ${Name}: $_" }
    }
}

Describe 'Parallel starts' {
    AfterEach {
        # whatever failed, leave no container behind for the next test
        Get-MiniContainer -Name 'par-*' | Remove-MiniContainer -Force -Confirm:$false
    }

    It 'all succeed: <Slots> at once from runspaces, round after round' -ForEach @(@{ Slots = 8 }) {
        for ($round = 1; $round -le $rounds; $round++) {
            $cycleText = $cycle.ToString()
            $barrier = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "minidocker-barrier-$PID-$round")
            $results = 1..$Slots | ForEach-Object -ThrottleLimit $Slots -Parallel {
                & ([scriptblock]::Create($using:cycleText)) "par-$($using:round)-$_-$([guid]::NewGuid().ToString('n').Substring(0, 6))" $using:rootfs $env:MINIDOCKER_MODULE $using:barrier.FullName $using:Slots
            }
            Remove-Item -Recurse -Force $barrier
            $results | Where-Object { $_ -notlike 'ok *' } | Should -BeNullOrEmpty -Because "round $round"
            $results | Should -Be (@('ok 7') * $Slots) -Because "round $round"
        }
        @(Get-ChildItem /sys/fs/cgroup -Recurse -Directory -Filter 'par-*' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    # Not in the VM: two fresh pwsh processes take ~5 minutes there, and the runspaces above race the same code.
    It 'all succeed from two pwsh processes at once, each starting in parallel itself' -Skip:($env:MINIDOCKER_IN_VM -eq '1') {
        $pwsh = Join-Path $PSHOME pwsh
        $script = Join-Path ([IO.Path]::GetTempPath()) "minidocker-parallel-$PID.ps1"
        Set-Content $script @"
`$barrierDir = `$args[0]
`$cycleText = @'
$cycle
'@
1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
    & ([scriptblock]::Create(`$using:cycleText)) "par-p`$(`$using:PID)-`$_" '$rootfs' `$env:MINIDOCKER_MODULE `$using:barrierDir 8
}
"@
        try {
            for ($round = 1; $round -le 2; $round++) {
                $barrier = New-Item -ItemType Directory "$script.barrier-$round"
                $procs = 1..2 | ForEach-Object {
                    Start-Process $pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $script, $barrier.FullName -PassThru `
                        -RedirectStandardOutput "$script.$_.out" -RedirectStandardError "$script.$_.err"
                }
                $procs | Wait-Process
                $out = 1..2 | ForEach-Object { Get-Content "$script.$_.out"; Get-Content "$script.$_.err" }
                $out | Where-Object { $_ -notlike 'ok *' } | Should -BeNullOrEmpty -Because "round $round"
                $out | Should -Be (@('ok 7') * 8) -Because "round $round"
            }
        } finally { Remove-Item "$script*" -Recurse -Force -ErrorAction SilentlyContinue }
    }
}
