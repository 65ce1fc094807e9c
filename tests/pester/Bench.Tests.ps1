# The bench still works: -Quick runs every row 3 times. Only the table's shape is asserted, never a timing.
BeforeDiscovery {
    $script:benchTools = @('crun', 'runc', 'hyperfine', 'cc', 'unshare') | Where-Object { -not (Get-Command $_ -ErrorAction Ignore) }
}

Describe 'bench/Invoke-Benchmark.ps1 -Quick' -Skip:([bool]$benchTools) {
    It 'prints a table with every row, the phase split, the monitor RSS and throughput' {
        $repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
        $out = Split-Path (Split-Path $env:MINIDOCKER_MODULE -Parent) -Parent
        $pwsh = Join-Path $PSHOME pwsh  # the apphost, also for a dotnet-tool install
        $text = & $pwsh -NoProfile -File (Join-Path $repo 'bench/Invoke-Benchmark.ps1') -Quick -BuildOutput $out 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $text
        foreach ($row in 'floor: clone', 'floor + cgroups', 'crun run', 'runc run', 'mdhelper run, minimal plan', "mdhelper run, engine's plan",
            'MiniDocker cmdlets', 'MiniDocker engine API') {
            $text | Should -Match ('\| ' + [regex]::Escape($row) + '[^\n]*\| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|')
        }
        $text | Should -Match '\| Create \| Start \| Wait \| Remove \|'
        $text | Should -Match 'VmRSS \d+ KiB, RssAnon \d+ KiB'
        $text | Should -Match '\| MiniDocker engine API \(threads in warm pwsh\) \| \d+ \|'
    }
}
