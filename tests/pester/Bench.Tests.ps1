# The bench still works: -Quick runs every row 3 times. Only the table's shape is asserted, never a timing.
BeforeDiscovery {
    $script:benchTools = @('crun', 'runc', 'hyperfine', 'cc', 'unshare') | Where-Object { -not (Get-Command $_ -ErrorAction Ignore) }
}

Describe 'bench/Invoke-Benchmark.ps1 -Quick' -Skip:([bool]$benchTools) {
    It 'prints a table with every row: start paths, phase split, monitor RSS, throughput per slot count, Import-Module, flat cost' {
        $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
        $out = Split-Path (Split-Path $env:MINIDOCKER_MODULE -Parent) -Parent
        $pwsh = Join-Path $PSHOME pwsh  # the apphost, also for a dotnet-tool install
        $text = & $pwsh -NoProfile -File (Join-Path $repo 'bench/Invoke-Benchmark.ps1') -Quick -BuildOutput $out 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $text
        # The peers configured like MiniDocker ran only after their probe matched MiniDocker's (seccomp, caps, masks...).
        $text | Should -Match 'crun and runc peers checked'
        $text | Should -Match '\| what \| median ms \| p90 ms \| × floor \| × crun \| × crun like MD \|'
        foreach ($row in 'floor: clone', 'floor + cgroups', 'crun run', 'runc run', 'mdhelper run, minimal plan', "mdhelper run, engine's plan",
            'crun run, configured like MiniDocker (ocipeer)', 'runc run, configured like MiniDocker (ocipeer)', 'crun run, configured like MiniDocker, seccomp precompiled',
            'mini-docker run --rm (bash', 'MiniDocker cmdlets: New \| Start \| Wait', 'MiniDocker engine API',
            'MiniDocker cmdlets: New \| Start -Wait', 'MiniDocker cmdlets: New \| Start -PassThru \| Wait', 'MiniDocker cmdlets: New -AutoRemove \| Start -Wait',
            'MiniDocker cmdlets: Invoke-MiniContainer') {
            $text | Should -Match ('\| ' + [regex]::Escape($row) + '[^\n]*\| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|')
        }
        $text | Should -Match '\| Create \| Start \| Wait \| Remove \|'
        # CPU per container for the runtimes alone, against both crun rows.
        foreach ($row in 'crun run', 'crun run, configured like MiniDocker (', 'runc run, configured like MiniDocker (', 'crun run, configured like MiniDocker, seccomp precompiled', "mdhelper run, engine's plan") {
            $text | Should -Match ('\| ' + [regex]::Escape($row) + '[^\n|]*\| [\d.]+ \| [\d.]+ \| [\d.]+ \|\r?\n')
        }
        $text | Should -Match 'VmRSS \d+ KiB, RssAnon \d+ KiB'
        # Throughput at each slot count (quick: 1 and 2), for both crun rows, the runc peer and both MiniDocker paths.
        foreach ($what in 'crun run', 'crun run, configured like MiniDocker', 'runc run, configured like MiniDocker', 'crun run, configured like MiniDocker, seccomp precompiled',
            'MiniDocker engine API (threads in warm pwsh)', 'mini-docker run --rm (bash)') {
            foreach ($n in 1, 2) { $text | Should -Match ('\| ' + [regex]::Escape($what) + " \| $n \| \d+ \| [\d.]+ \| [\d.]+ \|") }
        }
        $text | Should -Match 'Import-Module MiniDocker in a fresh pwsh: median [\d.]+ ms'
        # Flat cost: every population (quick: 0/5/20 created, 2/5 running) has a row of four timings.
        foreach ($p in '0 created', '5 created', '20 created', '2 running', '5 running') {
            $text | Should -Match ('\| ' + $p + ' \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|')
        }
    }
}
