# The module as a package: published with PSResourceGet to a file repository, installed into a fresh
# module path, imported by name in a fresh pwsh, and a container runs. Also the per-architecture helpers.
BeforeDiscovery { $script:HaveQemu = [bool](Get-Command qemu-aarch64-static -ErrorAction SilentlyContinue) }

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModuleOut = Split-Path $env:MINIDOCKER_MODULE -Parent
    $script:Pwsh = Join-Path $PSHOME pwsh
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'pkg')
    # A HOME of its own: the repository registration and the CurrentUser module path are under it.
    $script:TestHome = Join-Path $Work 'home'
    $script:Repo = Join-Path $Work 'repo'
    $script:State = @{}   # what one It learns for the next (the installed module's folder)
    New-Item -ItemType Directory -Force $TestHome, $Repo | Out-Null

    # Runs SCRIPT in a fresh pwsh whose HOME and working directory are the test's (NuGet writes a NuGet.Config there); returns its output lines (errors included) as one array.
    function Invoke-FreshPwsh([string]$Script, [string[]]$Prefix = @()) {
        $cmd = @($Prefix) + @('env', '-C', $Work, "HOME=$TestHome", $Pwsh, '-NoProfile', '-NonInteractive', '-Command', $Script)
        , @(& $cmd[0] $cmd[1..($cmd.Count - 1)] 2>&1 | ForEach-Object { "$_" })
    }
}

AfterAll { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }

Describe 'Publish-PSResource and Install-PSResource' {
    It 'publishes out/MiniDocker to a file repository (the manifest has what a gallery needs)' {
        $out = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name minidocker-test -Uri '$Repo' -Trusted
Publish-PSResource -Path '$ModuleOut' -Repository minidocker-test
'published'
"@
        $out | Should -Contain 'published' -Because ($out -join "`n")
        $version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'MiniDocker.psd1')).ModuleVersion
        Join-Path $Repo "MiniDocker.$version.nupkg" | Should -Exist
    }

    It 'installs into a fresh module path, carrying both helpers and the licence' {
        $out = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Install-PSResource MiniDocker -Repository minidocker-test -TrustRepository
(Get-Module MiniDocker -ListAvailable).ModuleBase
"@
        $State.Installed = $Installed = $out[-1]
        $Installed | Should -BeLike "$TestHome/*" -Because ($out -join "`n")
        foreach ($f in 'LICENSE', 'MiniDocker.Loader.dll', 'runtimes/linux-x64/mdhelper', 'runtimes/linux-arm64/mdhelper', 'runtimes/linux-x64/Tmds.LibC.dll', 'runtimes/linux-arm64/Tmds.LibC.dll',
                'runtimes/linux-x64/MiniDocker.Engine.dll', 'runtimes/linux-arm64/MiniDocker.Engine.dll') {
            Join-Path $Installed $f | Should -Exist
        }
        # The nupkg keeps no file modes: this is what the module has to repair at load.
        $helper = Join-Path $Installed "runtimes/linux-x64/mdhelper"
        if ((stat -c %a $helper) -ne '644') { chmod 0644 $helper }   # should PSResourceGet ever keep modes
        $cli = Join-Path $Installed 'bin/mini-docker'
        $cli | Should -Exist
        if ((stat -c %a $cli) -ne '644') { chmod 0644 $cli }
    }

    It 'imports by name in a fresh pwsh, restores the helper''s execute bit and runs a container' {
        $Installed = $State.Installed
        $helper = Join-Path $Installed 'runtimes/linux-x64/mdhelper'
        stat -c %a $helper | Should -Be '644'
        $name = New-TestName 'pkg'
        $out = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module MiniDocker
(Get-Module MiniDocker).ModuleBase
New-MiniContainer '$env:MINIDOCKER_TEST_ROOTFS' sh,-c,'echo from-installed-module' -Name $name | Start-MiniContainer -Wait
Remove-MiniContainer $name -Force -Confirm:`$false
"@
        $out | Should -Contain $Installed -Because ($out -join "`n")
        $out | Should -Contain 'from-installed-module'
        stat -c %a $helper | Should -Be '755'
        # The import made mini-docker runnable too; from bash it finds the installed helper beside it.
        $cli = Join-Path $Installed 'bin/mini-docker'
        stat -c %a $cli | Should -Be '755'
        $r = & bash -c "'$cli' run --rm '$env:MINIDOCKER_TEST_ROOTFS' sh -c 'echo from-installed-cli; exit 6'"
        $LASTEXITCODE | Should -Be 6
        $r | Should -Be 'from-installed-cli'
    }

    It 'fails a start with HelperNotExecutable, naming the file and the fix, when the mode cannot be restored' {
        # A read-only module folder (its own mount namespace, so nothing leaks): even root cannot chmod there.
        $Installed = $State.Installed
        $helper = Join-Path $Installed 'runtimes/linux-x64/mdhelper'
        chmod 0644 $helper
        $name = New-TestName 'pkg'
        $script = @"
Import-Module MiniDocker
`$c = New-MiniContainer '$env:MINIDOCKER_TEST_ROOTFS' true -Name $name
try { Start-MiniContainer -InputObject `$c -ErrorAction Stop; 'started' }
catch { 'ERRORID ' + `$_.FullyQualifiedErrorId; 'MESSAGE ' + `$_.Exception.Message }
Remove-MiniContainer $name -Force -Confirm:`$false
"@
        $ro = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
        $out = Invoke-FreshPwsh $script -Prefix @('unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', $ro, 'sh', $Installed)
        ($out -match '^ERRORID ') | Should -BeLike 'ERRORID HelperNotExecutable,*' -Because ($out -join "`n")
        $msg = ($out -match '^MESSAGE ') -join ''
        $msg | Should -BeLike "*'$helper' is not executable (mode 0644)*"
        $msg | Should -BeLike "*chmod 0755 $helper*"
        $out | Should -Not -Contain 'started'
        stat -c %a $helper | Should -Be '644'
        @(Get-MiniContainer -Name $name -ErrorAction SilentlyContinue).Count | Should -Be 0
    }
}

Describe 'One static helper per architecture' {
    BeforeAll {
        # ELF e_machine (offset 18, little-endian): 62 x86-64, 183 AArch64; no PT_INTERP means static.
        function Get-ElfMachine([string]$Path) { $b = [IO.File]::ReadAllBytes($Path); [BitConverter]::ToUInt16($b, 18) }
        function Test-Static([string]$Path) { -not ([Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($Path), 0, 4096) -match 'ld-linux') }
    }

    It 'carries a static x86-64 helper under runtimes/linux-x64 and an AArch64 one under runtimes/linux-arm64' {
        $x64 = Join-Path $ModuleOut 'runtimes/linux-x64/mdhelper'
        $arm = Join-Path $ModuleOut 'runtimes/linux-arm64/mdhelper'
        Get-ElfMachine $x64 | Should -Be 62
        Get-ElfMachine $arm | Should -Be 183
        Test-Static $x64 | Should -BeTrue
        Test-Static $arm | Should -BeTrue
    }

    It 'uses the helper of this process''s architecture' {
        $rid = [MiniDocker.Engine.Launch.HelperBinary]::RuntimeId
        $rid | Should -Be @{ X64 = 'linux-x64'; Arm64 = 'linux-arm64' }["$([Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture)"]
        [MiniDocker.Engine.Launch.HelperBinary]::DefaultPath($ModuleOut) | Should -Be (Join-Path $ModuleOut "runtimes/$rid/mdhelper")
    }

    It 'runs the arm64 helper under qemu-user: it parses a plan and reports the failing step with its errno' -Skip:(-not $HaveQemu) {
        $arm = Join-Path $ModuleOut 'runtimes/linux-arm64/mdhelper'
        $plan = Join-Path $Work 'bad.plan'
        [IO.File]::WriteAllBytes($plan, [Text.Encoding]::ASCII.GetBytes("version`u{0}1`u{0}nosuchdirective`u{0}"))
        $out = @(qemu-aarch64-static $arm exec $plan 2>&1 | ForEach-Object { "$_" })
        $LASTEXITCODE | Should -Be 125
        $out -join "`n" | Should -Match '^error -?\d+ plan 22 '
        $out = @(qemu-aarch64-static $arm exec (Join-Path $Work 'missing.plan') 2>&1 | ForEach-Object { "$_" })
        $out -join "`n" | Should -Be "error -1 plan 2 $(Join-Path $Work 'missing.plan')"
        $out = @(qemu-aarch64-static $arm 2>&1 | ForEach-Object { "$_" })
        $LASTEXITCODE | Should -Be 2
        $out[0] | Should -BeLike 'usage: mdhelper run*'
    }
}

Describe 'net10.0 and ReadyToRun, one copy per architecture' {
    BeforeAll {
        # The PE file header's Machine: 0x14C with an IL-only CLI header is platform-neutral IL; ReadyToRun images carry the
        # processor XOR-ed with Linux's 0x7B79 (x64 0xFD1D, arm64 0xD11D). An image for another processor fails to load.
        function Get-PeMachine([string]$Path) {
            $b = [IO.File]::ReadAllBytes($Path)
            '0x{0:X4}' -f [BitConverter]::ToUInt16($b, [BitConverter]::ToInt32($b, 0x3C) + 4)
        }
        # Methods JIT-compiled on the pipeline thread by a fresh pwsh's import and first container cycle (precompiled code is not counted).
        function Get-FirstCycleJit([hashtable]$Environment = @{}) {
            $name = New-TestName 'r2r'
            $script = @"
Import-Module '$env:MINIDOCKER_MODULE'
`$j = [System.Runtime.JitInfo]::GetCompiledMethodCount(`$true)
New-MiniContainer '$env:MINIDOCKER_TEST_ROOTFS' true -Name $name -Network none | Start-MiniContainer -Wait -PassThru | Remove-MiniContainer -Confirm:`$false
'JIT ' + ([System.Runtime.JitInfo]::GetCompiledMethodCount(`$true) - `$j)
'ENGINE ' + [MiniDocker.Container].Assembly.Location
"@
            $saved = @{}
            foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
            try { $out = @(& $Pwsh -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" }) }
            finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
            @(Get-MiniContainer -Name $name -ErrorAction SilentlyContinue).Count | Should -Be 0 -Because ($out -join "`n")
            @{ Jit = [int]((($out -match '^JIT ') -replace '^JIT ') -join ''); Engine = (($out -match '^ENGINE ') -replace '^ENGINE ') -join ''; Output = $out -join "`n" }
        }
    }

    It 'needs PowerShell 7.6 (.NET 10): an older pwsh refuses the import with its own message instead of failing in our DLLs' {
        (Import-PowerShellDataFile (Join-Path $ModuleOut 'MiniDocker.psd1')).PowerShellVersion | Should -Be '7.6'
        (Get-Module MiniDocker).PowerShellVersion | Should -Be ([version]'7.6')
    }

    It 'ships the cmdlets and the loader as platform-neutral IL, and the engine, ZstdSharp and Tmds.LibC once per architecture' {
        foreach ($f in 'MiniDocker.PowerShell.dll', 'MiniDocker.Loader.dll') { Get-PeMachine (Join-Path $ModuleOut $f) | Should -Be '0x014C' -Because $f }
        @(Get-ChildItem $ModuleOut -Filter *.dll).Name | Sort-Object | Should -Be @('MiniDocker.Loader.dll', 'MiniDocker.PowerShell.dll')
        foreach ($f in 'MiniDocker.Engine.dll', 'Tmds.LibC.dll') {
            # x64: precompiled by this build (it runs on x64); arm64: IL or arm64 code, never another processor's.
            Get-PeMachine (Join-Path $ModuleOut "runtimes/linux-x64/$f") | Should -Be '0xFD1D' -Because $f
            Get-PeMachine (Join-Path $ModuleOut "runtimes/linux-arm64/$f") | Should -BeIn @('0x014C', '0xD11D') -Because $f
        }
        # Only zstd layers use it: IL in both (precompiled it is 0.8 MB more per architecture).
        foreach ($rid in 'linux-x64', 'linux-arm64') { Get-PeMachine (Join-Path $ModuleOut "runtimes/$rid/ZstdSharp.dll") | Should -Be '0x014C' }
    }

    It 'loads this architecture''s engine and runs its precompiled code: the first cycle JIT-compiles far fewer methods than with it excluded' {
        $r2r = Get-FirstCycleJit
        $jit = Get-FirstCycleJit @{ DOTNET_ReadyToRunExcludeList = 'MiniDocker.Engine;ZstdSharp;Tmds.LibC' }
        $r2r.Engine | Should -Be (Join-Path $ModuleOut "runtimes/$([MiniDocker.Engine.Launch.HelperBinary]::RuntimeId)/MiniDocker.Engine.dll") -Because $r2r.Output
        $r2r.Jit | Should -BeGreaterThan 0 -Because $r2r.Output
        $jit.Jit | Should -BeGreaterThan 0 -Because $jit.Output
        # Measured: about 1,200 against 2,000 (the rest is PowerShell's own code and the cmdlets' IL).
        $r2r.Jit | Should -BeLessThan ($jit.Jit * 0.8) -Because "with ReadyToRun $($r2r.Jit), without $($jit.Jit)"
    }
}
