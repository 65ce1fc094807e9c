<#
.SYNOPSIS
    The rootless stage (run as root; build.ps1 -Test runs it): makes two unprivileged users with subordinate
    ids and one without (ensure-users.sh), builds the Debian test image if this machine has none (tests/tools/debian-image.sh), runs Rootless.Tests.ps1 AS mdrootless (its default XDG roots in a throw-away
    XDG_DATA_HOME, no XDG_RUNTIME_DIR, so the /tmp fallback is used), SingleMapping.Tests.ps1 AS mdrootless3, then Attacker.Tests.ps1 AS mdrootless2
    against a container mdrootless keeps running. Checks that neither user has a process left, cleans up,
    and writes the counts to -ResultPath as JSON.
#>
[CmdletBinding()]
param(
    [string]$ResultPath,
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../../out'),
    # Copy the parts the users need even when they can read the checkout (what happens under /root; for testing this stage).
    [switch]$CopyCheckout
)
$ErrorActionPreference = 'Stop'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
if ((id -u) -ne 0) { throw 'The rootless stage makes its test users and runs as them: run it as root.' }
# The test users are the machine's, not this run's, and the leftover check below kills every process they have: a
# second stage at once (another checkout, a CI run) would kill this one's tests. One stage at a time (flock, gone
# with this process).
$stageLock = $null
$lockPath = if (Test-Path /run -PathType Container) { '/run/minidocker-rootless-stage.lock' } else { Join-Path ([IO.Path]::GetTempPath()) 'minidocker-rootless-stage.lock' }
while (-not $stageLock) {
    try { $stageLock = [IO.File]::Open($lockPath, 'OpenOrCreate', 'ReadWrite', 'None') }
    catch [IO.IOException] {
        if (-not $waitSaid) { Write-Host "rootless stage: another one runs (it holds $lockPath); waiting for it"; $waitSaid = $true }
        Start-Sleep -Milliseconds 500
    }
}
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$BuildOutput = (Resolve-Path $BuildOutput).Path
& bash (Join-Path $PSScriptRoot 'ensure-users.sh')
if ($LASTEXITCODE) { throw 'ensure-users.sh failed' }
# The real Debian image of RootlessDebian.Tests.ps1, built as root once per machine (an empty path fails that file).
$debianImage = "$(& bash (Join-Path $repo 'tests/tools/debian-image.sh'))"
if ($LASTEXITCODE) { Write-Host 'rootless stage: tests/tools/debian-image.sh failed (above): RootlessDebian.Tests.ps1 will fail' -ForegroundColor Red; $debianImage = '' }

$work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-rootless-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
& chmod 755 $work

# Everything the users run must be theirs to read: the dotnet tool's pwsh launcher (the pwsh under $PSHOME is not
# executable by other users), Pester, the build and these scripts. A checkout they cannot reach (under /root, say)
# is copied, just those parts, into the stage's own world-readable directory.
$suite = $PSScriptRoot
$pwsh = Join-Path $repo '.tools/pwsh/pwsh'
$pester = (Resolve-Path (Join-Path $repo '.tools/pester/pester/5.7.1/tools/Pester.psd1')).Path
$unreadable = @($pwsh, $pester, (Join-Path $BuildOutput 'MiniDocker/MiniDocker.psd1'), (Join-Path $BuildOutput 'native/mdtest'), (Join-Path $suite 'Rootless.Tests.ps1')) |
    Where-Object { & runuser -u mdrootless -- test -r $_; $LASTEXITCODE -ne 0 }
if ($CopyCheckout -or $unreadable) {
    $copy = Join-Path $work 'checkout'
    Write-Host "rootless stage: the test users cannot read $(if ($unreadable) { $unreadable -join ', ' } else { '(forced)' }): copying what they need to $copy"
    foreach ($part in 'tests/rootless', 'tests/tools', '.tools/pwsh', '.tools/pester/pester/5.7.1') {
        New-Item -ItemType Directory -Force (Split-Path (Join-Path $copy $part) -Parent) | Out-Null
        & cp -a (Join-Path $repo $part) (Join-Path $copy $part)
    }
    New-Item -ItemType Directory -Force (Join-Path $copy 'out') | Out-Null
    foreach ($part in 'MiniDocker', 'native') { & cp -a (Join-Path $BuildOutput $part) (Join-Path $copy "out/$part") }
    & chmod -R a+rX $copy
    $repo = $copy
    $BuildOutput = Join-Path $copy 'out'
    $suite = Join-Path $copy 'tests/rootless'
    $pwsh = Join-Path $copy '.tools/pwsh/pwsh'
    $pester = Join-Path $copy '.tools/pester/pester/5.7.1/tools/Pester.psd1'
}
foreach ($u in 'mdrootless', 'mdrootless2', 'mdrootless3') {
    New-Item -ItemType Directory -Force (Join-Path $work $u) | Out-Null
    & chown "${u}:${u}" (Join-Path $work $u); & chmod 700 (Join-Path $work $u)
}
$victimUid = [int](& id -u mdrootless)
$hijack = Join-Path ([IO.Path]::GetTempPath()) "minidocker-rootless-hijack-$PID"
# The attack on the /tmp fallback: another user made the directory first (0755, so it could read what goes in).
& runuser -u mdrootless2 -- mkdir -m 755 $hijack

function Invoke-AsUser([string]$User, [string[]]$Arguments, [hashtable]$Environment = @{}, [string[]]$Wrapper = @()) {
    $envArgs = @("HOME=/home/$User", "USER=$User", "LOGNAME=$User", "PATH=/usr/local/bin:/usr/bin:/bin",
        'POWERSHELL_TELEMETRY_OPTOUT=1', 'DOTNET_CLI_TELEMETRY_OPTOUT=1', "DOTNET_ROOT=$env:DOTNET_ROOT",
        "XDG_DATA_HOME=$work/$User/data", "MINIDOCKER_MODULE=$BuildOutput/MiniDocker/MiniDocker.psd1",
        "MINIDOCKER_TEST_BINARY=$BuildOutput/native/mdtest", "MINIDOCKER_PESTER_MODULE=$pester")
    foreach ($k in $Environment.Keys) { $envArgs += "$k=$($Environment[$k])" }
    # env -i: nothing of root's session (XDG_RUNTIME_DIR, MINIDOCKER_*) reaches the user. A hard nofile limit below
    # Docker's default 524288, as ordinary logins have: the container must get the user's own, not ask for more.
    # WRAPPER (run as root, before the user switch) wraps the whole session, e.g. in a seccomp filter.
    $run = @($Wrapper) + 'prlimit'
    & $run[0] @($run | Select-Object -Skip 1) --nofile=1024:10000 -- runuser -u $User -- env -i @envArgs $pwsh -NoProfile -NonInteractive @Arguments | Out-Host
}

$results = @()
$runner = Join-Path $suite 'Invoke-UserPester.ps1'
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'Rootless.Tests.ps1'), '-ResultPath', "$work/mdrootless/result.json") @{
    MD_HIJACKED_RUN_ROOT = $hijack }
$results += "$work/mdrootless/result.json"
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'RootlessStorage.Tests.ps1'), '-ResultPath', "$work/mdrootless/storage.json")
$results += "$work/mdrootless/storage.json"
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'RootlessOpaque.Tests.ps1'), '-ResultPath', "$work/mdrootless/opaque.json")
$results += "$work/mdrootless/opaque.json"
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'RootlessNetwork.Tests.ps1'), '-ResultPath', "$work/mdrootless/network-result.json")
$results += "$work/mdrootless/network-result.json"
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'RootlessDebian.Tests.ps1'), '-ResultPath', "$work/mdrootless/debian.json") @{
    MINIDOCKER_DEBIAN_IMAGE = $debianImage }
$results += "$work/mdrootless/debian.json"
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'RootlessFuseOverlay.Tests.ps1'), '-ResultPath', "$work/mdrootless/fuse-result.json")
$results += "$work/mdrootless/fuse-result.json"
# A kernel that refuses overlayfs in a user namespace: mount(2) with MS_NODEV alone (the native overlay's flags) fails
# EPERM for the whole session (a seccomp filter set as root, so newuidmap keeps its setuid), as on kernels before 5.11.
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'RootlessFuseFallback.Tests.ps1'), '-ResultPath', "$work/mdrootless/fuse-fallback-result.json") `
    -Wrapper @("$BuildOutput/native/mdtest", 'deny-mount', '4')
$results += "$work/mdrootless/fuse-fallback-result.json"
Invoke-AsUser mdrootless @('-File', $runner, '-Path', (Join-Path $suite 'RootlessSlirp4netns.Tests.ps1'), '-ResultPath', "$work/mdrootless/slirp4netns-result.json")
$results += "$work/mdrootless/slirp4netns-result.json"
Invoke-AsUser mdrootless3 @('-File', $runner, '-Path', (Join-Path $suite 'SingleMapping.Tests.ps1'), '-ResultPath', "$work/mdrootless3/result.json")
$results += "$work/mdrootless3/result.json"

# The victim keeps a container running while the attacker tries everything on it.
$victimScript = "Import-Module `$env:MINIDOCKER_MODULE; `$r = & '$repo/tests/tools/New-TestRootfs.ps1' -Path '$work/mdrootless/victim-rootfs' -TestBinary `$env:MINIDOCKER_TEST_BINARY; " +
    "`$c = New-MiniContainer `$r /bin/sh,-c,'echo secret > /root/secret; sleep 1000' -Name victim | Start-MiniContainer -PassThru; `$c.Pid | Set-Content '$work/mdrootless/victim.pid'"
Invoke-AsUser mdrootless @('-Command', $victimScript)
$victimPid = if (Test-Path "$work/mdrootless/victim.pid") { (Get-Content "$work/mdrootless/victim.pid").Trim() } else { '' }
Invoke-AsUser mdrootless2 @('-File', $runner, '-Path', (Join-Path $suite 'Attacker.Tests.ps1'), '-ResultPath', "$work/mdrootless2/result.json") @{
    MD_VICTIM_STATE_ROOT = "$work/mdrootless/data/minidocker"; MD_VICTIM_RUN_ROOT = "/tmp/minidocker-run-$victimUid"; MD_VICTIM_PID = $victimPid }
$results += "$work/mdrootless2/result.json"
$stillAlive = $victimPid -and (Test-Path "/proc/$victimPid")
Invoke-AsUser mdrootless @('-Command', 'Import-Module $env:MINIDOCKER_MODULE; Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false')

$counts = @{ Passed = 0; Failed = 0; Skipped = 0; Failures = @() }
foreach ($r in $results) {
    if (Test-Path $r) { $j = Get-Content $r -Raw | ConvertFrom-Json; foreach ($k in 'Passed', 'Failed', 'Skipped', 'Failures') { $counts[$k] += $j.$k } }
    else { Write-Host "No result from $($r): counted as one failure." -ForegroundColor Red; $counts.Failed++ }
}
if (-not $stillAlive) { Write-Host 'The victim container did not survive the attacker (or never ran).' -ForegroundColor Red; $counts.Failed++ }
foreach ($u in 'mdrootless', 'mdrootless2', 'mdrootless3') {
    # A monitor writes its exit files after its init is gone: give the last ones a moment to finish.
    $deadline = (Get-Date).AddSeconds(10)
    while (($left = @(& pgrep -u $u)).Count -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }
    if ($left.Count) {
        Write-Host "LEFTOVER: processes of $($u): $((& ps -o pid=,args= -p ($left -join ',')) -join '; ')" -ForegroundColor Red
        $counts.Failed++
        & kill -KILL @left
    }
}
$leftMounts = @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*$work*" })
if ($leftMounts.Count) { Write-Host "LEFTOVER: mounts: $($leftMounts -join '; ')" -ForegroundColor Red; $counts.Failed++ }
Remove-Item -Recurse -Force $work, $hijack, "/tmp/minidocker-run-$victimUid", "/tmp/minidocker-run-$(& id -u mdrootless2)", "/tmp/minidocker-run-$(& id -u mdrootless3)" -ErrorAction SilentlyContinue
if ($ResultPath) { $counts | ConvertTo-Json | Set-Content $ResultPath }
Write-Host ("rootless: {0} passed, {1} failed, {2} skipped" -f $counts.Passed, $counts.Failed, $counts.Skipped)
$stageLock.Dispose()

