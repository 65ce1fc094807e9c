#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds MiniDocker into out/MiniDocker (a loadable module) and, with -Test, runs every test suite.
.EXAMPLE
    ./build.ps1                 # build the module, the helper and a default busybox rootfs (out/rootfs)
.EXAMPLE
    ./build.ps1 -Test           # build, then xunit + Pester (Pester in a fresh pwsh; needs root) + the rootless stage
.EXAMPLE
    ./build.ps1 -Test -CgroupV2 # also run the cgroup v2 stage inside a qemu VM (tests/vm)
.EXAMPLE
    ./build.ps1 -Test -FreshRoot # also prove .ci/setup.sh --packages-only in a fresh Debian 12 root (tests/freshroot)
#>
[CmdletBinding()]
param(
    [switch]$Test,
    [switch]$CgroupV2,
    # Also the fresh-root stage: setup's system packages and the native build in a new Debian 12 minbase root.
    [switch]$FreshRoot,
    # Where the build goes (out/ by default); parallel work trees each use their own.
    [string]$Output = (Join-Path $PSScriptRoot 'out'),
    [ValidateSet('Debug', 'Release')][string]$Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$repo = $PSScriptRoot
$out = [IO.Path]::GetFullPath($Output)
$moduleDir = Join-Path $out 'MiniDocker'
$nativeDir = Join-Path $out 'native'

function Assert-Tool([string]$name, [string]$hint) {
    if (-not (Get-Command $name -ErrorAction SilentlyContinue)) { throw "build.ps1: '$name' is missing. $hint" }
}
function Invoke-Native([string]$what) {
    if ($LASTEXITCODE -ne 0) { throw "build.ps1: $what failed (exit $LASTEXITCODE)." }
}

Assert-Tool dotnet 'Install the .NET SDK (8.0 or later): https://learn.microsoft.com/dotnet/core/install/linux'
Assert-Tool make 'Install it: apt-get install make'
Assert-Tool cc 'Install a C compiler with a static libc: apt-get install gcc libc6-dev'

# 1. The native helper (and the test binary), statically linked: for this machine in out/native, and
#    cross-built for the other architecture the package carries (linux-x64, linux-arm64) in out/native/RID.
$hostRid = switch ([Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture) { 'X64' { 'linux-x64' } 'Arm64' { 'linux-arm64' } default { throw "build.ps1: MiniDocker builds on x64 and arm64 hosts, not $_." } }
$crossRid, $crossCc = if ($hostRid -eq 'linux-x64') { 'linux-arm64', 'aarch64-linux-gnu-gcc' } else { 'linux-x64', 'x86_64-linux-gnu-gcc' }
Assert-Tool $crossCc "The $crossRid helper is cross-built: run 'bash .ci/setup.sh' (it installs Debian's cross toolchain and libseccomp-dev for $crossRid)."
make -s -C (Join-Path $repo 'src/Native') "OUT=$nativeDir" | Out-Host; Invoke-Native 'make (src/Native)'
make -s -C (Join-Path $repo 'src/Native') "OUT=$(Join-Path $nativeDir $crossRid)" "CC=$crossCc" | Out-Host; Invoke-Native "make (src/Native, $crossRid)"

# 2. The module. MiniDocker.PowerShell.dll (the cmdlets; PowerShell loads it by path) is portable IL. The engine and its
#    dependencies go once per architecture under runtimes/RID/ (MiniDocker.Loader.dll loads them from there): for
#    this machine's architecture compiled ReadyToRun, so a fresh pwsh runs precompiled code where it would JIT the engine
#    (pwsh 7.6 runs on .NET 10, our target; bench/README.md has the numbers). A ReadyToRun image is for one processor and
#    fails to load on another, so nothing precompiled sits at the top. Crossgen2 comes from NuGet (the SDK picks its version).
$publish = Join-Path $out 'publish'
$moduleProject = Join-Path $repo 'src/Module/MiniDocker.PowerShell.csproj'
dotnet publish $moduleProject -c $Configuration -o $publish -v quiet -nologo | Out-Host
Invoke-Native 'dotnet publish'
$publishR2R = Join-Path $out "publish-$hostRid"
dotnet publish $moduleProject -c $Configuration -r $hostRid --self-contained false -p:PublishReadyToRun=true -o $publishR2R -v quiet -nologo | Out-Host
Invoke-Native "dotnet publish (ReadyToRun, $hostRid)"

# 3. Lay out out/MiniDocker from an explicit list.
if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
New-Item -ItemType Directory -Force $moduleDir, (Join-Path $moduleDir 'en-US') | Out-Null
Copy-Item (Join-Path $publish 'MiniDocker.PowerShell.dll'), (Join-Path $publish 'MiniDocker.Loader.dll') $moduleDir
Copy-Item (Join-Path $repo 'MiniDocker.psd1') $moduleDir
Copy-Item (Join-Path $repo 'src/Module/MiniDocker.format.ps1xml'), (Join-Path $repo 'src/Module/MiniDocker.types.ps1xml') $moduleDir
Copy-Item (Join-Path $repo 'LICENSE') $moduleDir
Copy-Item (Join-Path $repo 'src/Module/help/about_MiniDocker*.help.txt') (Join-Path $moduleDir 'en-US')
# Per architecture (picked by RuntimeInformation.ProcessArchitecture): the static helper, the engine and its dependencies
# (Tmds.LibC's struct layouts differ between x64 and arm64). The other architecture gets the portable IL, and so does
# ZstdSharp everywhere: only zstd layers use it, and precompiled it is 0.8 MB more per architecture.
foreach ($rid in $hostRid, $crossRid) {
    $ridDir = New-Item -ItemType Directory -Force (Join-Path $moduleDir "runtimes/$rid")
    Copy-Item (Join-Path ($rid -eq $hostRid ? $publishR2R : $publish) 'MiniDocker.Engine.dll') $ridDir
    Copy-Item (Join-Path $publish 'ZstdSharp.dll') $ridDir
    Copy-Item ($rid -eq $hostRid ? (Join-Path $publishR2R 'Tmds.LibC.dll') : (Join-Path $publish "runtimes/$rid/lib/netstandard2.0/Tmds.LibC.dll")) $ridDir
    Copy-Item (Join-Path ($rid -eq $hostRid ? $nativeDir : (Join-Path $nativeDir $rid)) 'mdhelper') $ridDir
}

# The mini-docker command (src/Cli), NativeAOT for this machine's architecture: it starts in milliseconds,
# where a .NET start-up costs tens (bench/). In bin/, beside runtimes/, where it finds the helper.
Assert-Tool clang "mini-docker is compiled NativeAOT, which links with clang: run 'bash .ci/setup.sh'."
$cliPublish = Join-Path $out 'publish-cli'
dotnet publish (Join-Path $repo 'src/Cli/MiniDocker.Cli.csproj') -c $Configuration -r $hostRid -o $cliPublish -v quiet -nologo | Out-Host
Invoke-Native 'dotnet publish (src/Cli, NativeAOT)'
$binDir = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'bin')
Copy-Item (Join-Path $cliPublish 'mini-docker') $binDir

# 4. Help (MAML) from src/Module/help/*.psd1 and the built module itself, in a fresh pwsh so this session never loads it.
$pwsh = Join-Path $PSHOME pwsh  # the apphost, also for a dotnet-tool install
& $pwsh -NoProfile -NonInteractive -File (Join-Path $repo 'src/Module/help/Build-Help.ps1') -ModulePath (Join-Path $moduleDir 'MiniDocker.psd1') | Out-Host
Invoke-Native 'src/Module/help/Build-Help.ps1'

# 5. A default root filesystem so a first container runs offline: busybox-static when present, else mdtest.
& (Join-Path $repo 'tests/tools/New-TestRootfs.ps1') -Path (Join-Path $out 'rootfs') -TestBinary (Join-Path $nativeDir 'mdtest') | Out-Null
Write-Host "build.ps1: module in $moduleDir, default rootfs in $(Join-Path $out 'rootfs')"

if (-not $Test) { return }

# ------------------------------------------------------------------ tests
$results = [ordered]@{}

Write-Host "`n== unit tests (xunit) =="
# The hosted-PowerShell tests (help, verbs, pipeline binding) import this build.
$env:MINIDOCKER_MODULE = Join-Path $moduleDir 'MiniDocker.psd1'
$trxDir = Join-Path $out 'testresults'
Remove-Item -Recurse -Force $trxDir -ErrorAction SilentlyContinue
dotnet test (Join-Path $repo 'tests/unit/MiniDocker.Tests.csproj') -c $Configuration --logger 'trx;LogFileName=unit.trx' --results-directory $trxDir -nologo | Out-Host
$trxPath = Join-Path $trxDir 'unit.trx'
if (Test-Path $trxPath) {
    $trx = [xml](Get-Content $trxPath -Raw)
    $c = $trx.TestRun.ResultSummary.Counters
    $results.unit = @{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error; Skipped = [int]$c.notExecuted
        Failures = @($trx.TestRun.Results.UnitTestResult | Where-Object outcome -eq 'Failed' | ForEach-Object testName) }
} else { $results.unit = @{ Passed = 0; Failed = 1; Skipped = 0 }; Write-Host 'xunit produced no result file (did the tests build?): counted as one failure.' }

Write-Host "`n== native smoke test (mdhelper + mdtest, src/Native/tests/smoke.sh) =="
$smoke = @(& bash (Join-Path $repo 'src/Native/tests/smoke.sh') $nativeDir 2>&1)
$smoke | Out-Host
$results.smoke = @{ Passed = @($smoke -match '^PASS: ').Count; Failed = @($smoke -match '^FAIL: ').Count; Skipped = 0 }
if ($LASTEXITCODE -ne 0 -and $results.smoke.Failed -eq 0) { $results.smoke.Failed = 1 }   # it died before its checks

Write-Host "`n== end-to-end tests (Pester, real containers) =="
# The real Debian image DebianImage.Tests.ps1 runs: built once per machine here, since the suites run without network.
& bash (Join-Path $repo 'tests/tools/debian-image.sh') | Out-Null
$pesterJson = Join-Path $out 'testresults/pester.json'
& $pwsh -NoProfile -NonInteractive -File (Join-Path $repo 'tests/pester/Invoke-PesterSuite.ps1') -ResultPath $pesterJson -BuildOutput $out | Out-Host
if (Test-Path $pesterJson) { $results.pester = Get-Content $pesterJson -Raw | ConvertFrom-Json -AsHashtable }
else { $results.pester = @{ Passed = 0; Failed = 1; Skipped = 0 }; Write-Host 'Pester produced no result file: counted as one failure.' }

Write-Host "`n== rootless stage (tests/rootless, run as two unprivileged users) =="
$rlJson = Join-Path $out 'testresults/rootless.json'
& $pwsh -NoProfile -NonInteractive -File (Join-Path $repo 'tests/rootless/Invoke-RootlessSuite.ps1') -ResultPath $rlJson -BuildOutput $out | Out-Host
if (Test-Path $rlJson) { $results.rootless = Get-Content $rlJson -Raw | ConvertFrom-Json -AsHashtable }
else { $results.rootless = @{ Passed = 0; Failed = 1; Skipped = 0 }; Write-Host 'The rootless stage produced no result: counted as one failure.' }

if ($CgroupV2) {
    Write-Host "`n== cgroup v2 stage (qemu VM) =="
    $v2Json = Join-Path $out 'testresults/cgroup2.json'
    & (Join-Path $repo 'tests/vm/Invoke-CgroupV2Stage.ps1') -ResultPath $v2Json -BuildOutput $out | Out-Host
    if (Test-Path $v2Json) { $results.cgroup2 = Get-Content $v2Json -Raw | ConvertFrom-Json -AsHashtable }
    else { $results.cgroup2 = @{ Passed = 0; Failed = 1; Skipped = 0 }; Write-Host 'The cgroup v2 stage produced no result: counted as one failure.' }

    Write-Host "`n== rootless on cgroup v2 with a delegated subtree (qemu VM, as mdrootless) =="
    $rv2Json = Join-Path $out 'testresults/rootless-v2.json'
    & (Join-Path $repo 'tests/rootless/Invoke-RootlessV2Stage.ps1') -ResultPath $rv2Json -BuildOutput $out | Out-Host
    if (Test-Path $rv2Json) { $results.rootlessv2 = Get-Content $rv2Json -Raw | ConvertFrom-Json -AsHashtable }
    else { $results.rootlessv2 = @{ Passed = 0; Failed = 1; Skipped = 0 }; Write-Host 'The rootless v2 stage produced no result: counted as one failure.' }
}

if ($FreshRoot) {
    Write-Host "`n== fresh-root stage (setup's packages and the native build in a new Debian 12 root) =="
    $frJson = Join-Path $out 'testresults/freshroot.json'
    Remove-Item $frJson -ErrorAction SilentlyContinue
    & bash (Join-Path $repo 'tests/freshroot/run-fresh-root.sh') $frJson | Out-Host
    if (Test-Path $frJson) { $results.freshroot = Get-Content $frJson -Raw | ConvertFrom-Json -AsHashtable }
    else { $results.freshroot = @{ Passed = 0; Failed = 1; Skipped = 0 }; Write-Host 'The fresh-root stage produced no result: counted as one failure.' }
}

$passed = ($results.Values | ForEach-Object { $_.Passed } | Measure-Object -Sum).Sum
$failed = ($results.Values | ForEach-Object { $_.Failed } | Measure-Object -Sum).Sum
$skipped = ($results.Values | ForEach-Object { $_.Skipped } | Measure-Object -Sum).Sum
# What failed, by name, just above the totals (a CI log is often read from its end).
foreach ($k in $results.Keys) { if ($results[$k].ContainsKey('Failures')) { foreach ($f in @($results[$k].Failures)) { if ($f) { Write-Host "  FAILED in $($k): $f" } } } }
if ($smoke) { $smoke -match '^FAIL: ' | ForEach-Object { Write-Host "  FAILED in smoke: $_" } }
foreach ($k in $results.Keys) { Write-Host ("  {0,-8} {1} passed, {2} failed, {3} skipped" -f $k, $results[$k].Passed, $results[$k].Failed, $results[$k].Skipped) }
$line = "tests: $passed passed, $failed failed"
if ($skipped) { $line += ", $skipped skipped" }
Write-Output $line
if ($failed -gt 0) { exit 1 }
