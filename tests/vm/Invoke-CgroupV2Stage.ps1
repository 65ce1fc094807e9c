<#
.SYNOPSIS
    The cgroup v2 test stage: boots the v2-only VM once (run-in-vm.sh) and runs, in ONE pwsh inside
    it, the Pester suites that matter on v2 against the module built on the host. Writes the counts
    to -ResultPath as JSON ({Passed, Failed, Skipped}).
.DESCRIPTION
    Builds nothing: build.ps1 has built -BuildOutput on the host. Inside the guest the suite's state,
    rootfs and overlay upper dirs live in /tmp, a fresh tmpfs (an overlay upper on the guest's 9p-root
    overlay would fail). Only stdout/stderr/status come back from the guest, so the guest prints its
    counts on one marker line that this script parses. No marker (qemu could not start, the guest
    timed out or crashed) counts as a failure: the stage never passes silently.
.EXAMPLE
    sudo pwsh tests/vm/Invoke-CgroupV2Stage.ps1 -ResultPath out/testresults/cgroup2.json -BuildOutput out
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ResultPath,
    # The build output folder holding MiniDocker/ and native/ (build.ps1 -Output).
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../../out'),
    # The suites run inside the VM: the v2-specific one, the driver-agnostic cgroup one, the foundation, security,
    # and chaos (a killed Start is found again from the v2 cgroup).
    [string[]]$TestFile = @('CgroupV2.Tests.ps1', 'Cgroups.Tests.ps1', 'Container.Tests.ps1', 'Security.Tests.ps1', 'HostEscape.Tests.ps1', 'Exec.Tests.ps1', 'Devices.Tests.ps1', 'ParallelStart.Tests.ps1', 'Chaos.Tests.ps1', 'Network.Tests.ps1'),
    # Hard limit for the whole VM run (boot, pwsh start-up, suites); run-in-vm.sh kills qemu after it.
    [int]$TimeoutSeconds = 3000
)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$out = [IO.Path]::GetFullPath($BuildOutput)
$pwsh = Join-Path $PSHOME pwsh  # the apphost, also for a dotnet-tool install; the guest sees the host's / read-only
$marker = 'MINIDOCKER-CGROUP2-RESULT '
New-Item -ItemType Directory -Force (Split-Path ([IO.Path]::GetFullPath($ResultPath)) -Parent) | Out-Null

$paths = $TestFile | ForEach-Object { Join-Path $repo "tests/pester/$_" }
$guestJson = '/tmp/cgroup2-stage.json'   # guest tmpfs: gone with the VM, only the marker line comes back
# A guest that is not pure cgroup v2 would skip CgroupV2.Tests.ps1 and pass: refuse it instead.
$guestScript = @'
fs=$(stat -f -c %T /sys/fs/cgroup)
[ "$fs" = cgroup2fs ] || { echo "cgroup v2 stage: /sys/fs/cgroup in the VM is $fs, not cgroup2" >&2; exit 3; }
echo "cgroup v2 stage: kernel $(uname -r), cgroup $(cat /proc/self/cgroup)"
"$0" "$@"
status=$?
[ -s @JSON@ ] && echo "@MARKER@$(tr -d '\n' < @JSON@)"
exit $status
'@ -replace '@JSON@', $guestJson -replace '@MARKER@', $marker
$suiteArgs = @($pwsh, '-NoProfile', '-NonInteractive', '-File', (Join-Path $repo 'tests/pester/Invoke-PesterSuite.ps1'),
    '-BuildOutput', $out, '-ResultPath', $guestJson, '-Path', ($paths -join ','))
$vmArgs = @('--timeout', $TimeoutSeconds)
if ($env:MINIDOCKER_PESTER_MODULE) { $vmArgs += '--env', 'MINIDOCKER_PESTER_MODULE' }

$counts = $null
$sw = [Diagnostics.Stopwatch]::StartNew()
Push-Location $repo
try {
    & bash (Join-Path $PSScriptRoot 'run-in-vm.sh') @vmArgs -- sh -c $guestScript @suiteArgs 2>&1 | ForEach-Object {
        $line = "$_"
        if ($line.StartsWith($marker)) { $counts = $line.Substring($marker.Length) | ConvertFrom-Json -AsHashtable }
        else { Write-Host $line }
    }
    $status = $LASTEXITCODE
} finally { Pop-Location }
$sw.Stop()

if ($null -eq $counts) {
    $why = switch ($status) { 124 { 'the VM timed out' } 125 { 'the VM harness failed (qemu did not start or the guest never reported)' } default { "the guest exited $status without results" } }
    Write-Host "cgroup v2 stage: FAILED, no results: $why." -ForegroundColor Red
    $counts = @{ Passed = 0; Failed = 1; Skipped = 0 }
} elseif ($status -ne 0) {
    Write-Host "cgroup v2 stage: the guest exited $status after reporting: counted as one more failure." -ForegroundColor Red
    $counts.Failed++
}
$counts | ConvertTo-Json | Set-Content $ResultPath
Write-Host ("cgroup v2 stage: {0} passed, {1} failed, {2} skipped in {3:N0} s (wall time, boot included)" -f $counts.Passed, $counts.Failed, $counts.Skipped, $sw.Elapsed.TotalSeconds)
