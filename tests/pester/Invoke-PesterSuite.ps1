<#
.SYNOPSIS
    Runs the Pester suites against the built module with throw-away state: its own state root,
    its own cgroup parent nested under this process's cgroup, its own rootfs folder. Checks that
    nothing is left behind, cleans up, and writes the counts to -ResultPath as JSON.
#>
[CmdletBinding()]
param(
    [string]$ResultPath,
    # The build output folder holding MiniDocker/ and native/ (build.ps1 -Output).
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../../out'),
    [string[]]$Path = @((Join-Path $PSScriptRoot '*.Tests.ps1'))
)
$ErrorActionPreference = 'Stop'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$repo = Resolve-Path (Join-Path $PSScriptRoot '../..')
$BuildOutput = (Resolve-Path $BuildOutput).Path   # the tests import from it after changing directories

if ((id -u) -ne 0) { throw 'The Pester suites run real containers and need root (sudo pwsh ./build.ps1 -Test).' }

# The suites run in a network namespace of their own: the bridges, veths and nftables rules the engine
# makes (and the tests' fake upstreams) live there and vanish with it; the machine's network is never touched.
# The cgroup v2 VM is a throw-away machine of its own (and a second pwsh start there costs a minute).
$netns = (Get-Item "/proc/$PID/ns/net").Target
if ($env:MINIDOCKER_IN_VM -ne '1' -and (-not $env:MINIDOCKER_TEST_PARENT_NETNS -or $env:MINIDOCKER_TEST_PARENT_NETNS -eq $netns)) {
    $env:MINIDOCKER_TEST_PARENT_NETNS = $netns
    # Wildcards resolved here: pwsh would glob a '*' in a native command's argument into many arguments.
    $Path = @($Path -split ',' | ForEach-Object { (Resolve-Path $_).Path })
    & unshare --net -- (Join-Path $PSHOME pwsh) -NoProfile -NonInteractive -File $PSCommandPath -ResultPath "$ResultPath" -BuildOutput $BuildOutput -Path ($Path -join ',')
    $code = $LASTEXITCODE
    Remove-Item Env:MINIDOCKER_TEST_PARENT_NETNS
    exit $code
}
& ip link set lo up
if ($LASTEXITCODE) { throw 'Could not bring lo up in the suites'' network namespace.' }

$pester = @(
    $env:MINIDOCKER_PESTER_MODULE,
    (Join-Path $repo '.tools/pester/pester/5.7.1/tools/Pester.psd1'),
    (Join-Path $HOME '.nuget/packages/pester/5.7.1/tools/Pester.psd1')
) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
if ($pester) { Import-Module $pester -Force } else { Import-Module Pester -MinimumVersion 5.0 }

$work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-pester-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$env:MINIDOCKER_ROOT = Join-Path $work 'state'
$env:MINIDOCKER_RUN_ROOT = Join-Path $work 'run'
$env:MINIDOCKER_CGROUP_PARENT = "minidocker-test-$PID"   # relative: nested under this process's own cgroup
$env:MINIDOCKER_MODULE = Join-Path $BuildOutput 'MiniDocker/MiniDocker.psd1'
$env:MINIDOCKER_TEST_BINARY = Join-Path $BuildOutput 'native/mdtest'
$env:MINIDOCKER_TEST_ROOTFS = & (Join-Path $repo 'tests/tools/New-TestRootfs.ps1') -Path (Join-Path $work 'rootfs') -TestBinary $env:MINIDOCKER_TEST_BINARY

$config = New-PesterConfiguration
$config.Run.Path = @($Path -split ',')   # pwsh -File passes "a,b" as one string
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config

# Whatever the tests did, nothing of theirs may remain: containers, cgroups, mounts.
Import-Module $env:MINIDOCKER_MODULE -Force
$leftovers = @(Get-MiniContainer)
$leftovers | Remove-MiniContainer -Force -Confirm:$false
# The run's parent cgroups may stay (the v1 driver keeps its parent, as Docker does); any cgroup in them is a leftover.
$cgroupParents = @(Get-ChildItem /sys/fs/cgroup/*/ -Recurse -Directory -Filter "minidocker-test-$PID" -ErrorAction SilentlyContinue)
$cgroups = @($cgroupParents | ForEach-Object { Get-ChildItem $_.FullName -Recurse -Directory -ErrorAction SilentlyContinue })
$mounts = @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*$work*" })
# (A kernel without veth support lists nothing: only real names count.)
$veths = @((& ip -j link show type veth 2>$null | ConvertFrom-Json) | Where-Object { $_ -and $_.ifname } | ForEach-Object ifname)
$failed = $result.FailedCount
# Named in the results, so the last lines of a CI log say what failed, not only how many.
$failures = [Collections.Generic.List[string]]@($result.Failed | ForEach-Object { $_.ExpandedPath })
foreach ($problem in @(
        @{ Items = $leftovers; What = 'containers left by the tests (removed now)' },
        @{ Items = $cgroups; What = 'cgroup directories left behind' },
        @{ Items = $mounts; What = 'mounts left behind' },
        @{ Items = $veths; What = 'veth interfaces left behind' })) {
    if ($problem.Items.Count) { Write-Host "LEFTOVER: $($problem.Items.Count) $($problem.What): $($problem.Items -join '; ')" -ForegroundColor Red; $failed++; $failures.Add("leftover: $($problem.What)") }
}
# rmdir, deepest first: a cgroup directory is removed empty of directories, with its control files in it.
foreach ($cg in @($cgroups) + @($cgroupParents) | Sort-Object { $_.FullName.Length } -Descending) {
    try { [IO.Directory]::Delete($cg.FullName, $false) } catch { Write-Host "could not remove $($cg.FullName): $($_.Exception.Message)" }
}
Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue

$counts = @{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount + $result.NotRunCount; Failures = @($failures) }
if ($ResultPath) { $counts | ConvertTo-Json | Set-Content $ResultPath }
Write-Host ("pester: {0} passed, {1} failed, {2} skipped" -f $counts.Passed, $counts.Failed, $counts.Skipped)
