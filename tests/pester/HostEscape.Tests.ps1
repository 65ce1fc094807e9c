# The CVE-2019-5736 class: a container must never reach the host's mdhelper file through
# /proc/PID/exe of a process the helper runs inside it. The attack is mounted for real by
# `mdtest exe-attack` in the container, against a private copy of the helper.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:scratch = Join-Path ([IO.Path]::GetTempPath()) ("minidocker-escape-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    New-Item -ItemType Directory $scratch | Out-Null
    # A private copy: no other test's monitor keeps it busy (ETXTBSY), and a successful attack
    # damages only this copy.
    $script:helper = Join-Path $scratch 'mdhelper'
    Copy-Item (Join-Path (Split-Path $env:MINIDOCKER_TEST_BINARY) 'mdhelper') $helper
    $script:savedHelper = $env:MINIDOCKER_HELPER
    $env:MINIDOCKER_HELPER = $helper
}

AfterAll {
    $env:MINIDOCKER_HELPER = $savedHelper
    Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue
}

Describe 'The host helper binary' {
    It 'is not what the engine runs: the monitor runs from the sealed copy the engine made' {
        $name = New-TestName 'sealed'
        $c = New-MiniContainer $rootfs sleep, 30 -Name $name | Start-MiniContainer -PassThru
        try {
            $monitor = (Get-MiniContainer $name).MonitorPid
            (Get-Item "/proc/$monitor/exe").Target | Should -Be '/memfd:mdhelper (deleted)'
            # Started as /proc/self/fd/N (no copy of its own made by the helper) ...
            (Get-Content "/proc/$monitor/cmdline" -Raw) | Should -Match '^/proc/self/fd/\d+\0run\0'
            # ... whose seals (seal, shrink, grow, write) make it unwritable even for host root.
            & $env:MINIDOCKER_TEST_BINARY seals "/proc/$monitor/exe" | Should -Be '0xf'
        }
        finally {
            Remove-MiniContainer -Name $name -Force -Confirm:$false
        }
    }

    It 'cannot be overwritten through /proc/PID/exe of a #!/proc/self/exe script run by exec' {
        $before = (Get-FileHash $helper -Algorithm SHA256).Hash
        $out = Join-Path $scratch 'out'
        New-Item -ItemType Directory $out | Out-Null
        $result = Join-Path $out 'result'
        $name = New-TestName 'escape'
        # The attacker writes to a volume: its stdout dies with the monitor this test kills.
        $seconds = if ($env:MINIDOCKER_IN_VM -eq '1') { 480 } else { 60 }   # qemu without KVM is ~10x slower
        $script = "printf '#!/proc/self/exe\n' > /evil.sh && chmod +x /evil.sh && exec /bin/mdtest exe-attack $seconds > /out/result 2>&1"
        New-MiniContainer $rootfs sh, -c, $script -Name $name -Volume "${out}:/out" | Start-MiniContainer
        try {
            Wait-Until { Test-Path $result } | Should -BeTrue
            # The kernel resolves the interpreter /proc/self/exe in the exec'd process, so the helper's
            # own file runs in the container, dumpable; the attacker catches it (a race: retry).
            for ($i = 0; $i -lt 40 -and -not (Select-String -Quiet '^caught ' $result); $i++) {
                try { Invoke-MiniContainer $name -Command /evil.sh 2>$null | Out-Null } catch { }   # the helper's usage, exit 2
            }
            Get-Content $result | Should -Match '^caught '
            # While a copy runs, only ETXTBSY holds the attacker off; a monitor can die (the OOM
            # killer, an admin's kill), and the file must hold up then too.
            Stop-Process -Id (Get-MiniContainer $name).MonitorPid -Force
            Wait-Until { Select-String -Quiet '^(wrote|refused)' $result } -Timeout 70 | Should -BeTrue
            $lines = Get-Content $result
            $lines | Should -Not -Contain 'wrote'
            $lines[-1] | Should -Match '^refused (write|open):E(PERM|ACCES)'
            (Get-FileHash $helper -Algorithm SHA256).Hash | Should -Be $before
        }
        finally {
            Remove-MiniContainer -Name $name -Force -Confirm:$false
        }
    }
}
