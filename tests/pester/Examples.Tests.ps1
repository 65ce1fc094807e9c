# Every script in examples/ (found, so a new one is covered without touching this file) runs in a
# fresh pwsh against the test rootfs. Each declares its real output with '# Expect: REGEX' lines;
# every one must match, nothing may be written as an error and no container may be left behind.

BeforeDiscovery {
    $examples = @(Get-ChildItem (Join-Path $PSScriptRoot '../../examples') -Filter '*.ps1' | Sort-Object Name |
        ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:pwsh = Join-Path $PSHOME pwsh  # the apphost, also for a dotnet-tool install
}

Describe 'The examples cookbook' {
    It 'has examples' -ForEach @{ Found = $examples.Count } { $Found | Should -BeGreaterThan 0 }

    It '<Name> prints what it promises and cleans up after itself' -ForEach $examples {
        $expect = @(Select-String -Path $Path -Pattern '^# Expect: (.+)$' | ForEach-Object { $_.Matches[0].Groups[1].Value })
        $expect.Count | Should -BeGreaterThan 0 -Because "$Name needs '# Expect: REGEX' lines that describe its output"
        $before = @(Get-MiniContainer).Id

        # The example sees the module under test (already imported) and the suite's state root and cgroup parent.
        $env:MINIDOCKER_PESTER_MODULE = (Get-Module Pester).Path
        $command = "`$ErrorActionPreference = 'Stop'; Import-Module '$env:MINIDOCKER_MODULE'; & '$Path' -RootFs '$env:MINIDOCKER_TEST_ROOTFS'"
        $output = @(& $pwsh -NoProfile -NonInteractive -Command $command 2>&1)
        $code = $LASTEXITCODE
        $text = @($output | ForEach-Object { "$_" })

        $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -BeNullOrEmpty -Because "$Name wrote: $($text -join "`n")"
        $code | Should -Be 0 -Because ($text -join "`n")
        foreach ($regex in $expect) { $text -match $regex | Should -Not -BeNullOrEmpty -Because "output of $Name should match '$regex'; it was:`n$($text -join "`n")" }
        @(Get-MiniContainer | Where-Object Id -NotIn $before) | Should -BeNullOrEmpty -Because "$Name must remove its containers"
    }
}
