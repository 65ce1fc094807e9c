<#
.SYNOPSIS
    Rootless on cgroup v2 with delegation, in the v2-only VM (tests/vm/run-in-vm.sh; run as root, after
    ensure-users.sh made the test users on the host, whose /etc the guest sees). In the guest, as root: a subtree
    deleg/ under the stage's cgroup is chowned to mdrootless (what systemd's Delegate= does), the user's shell is put
    in deleg/shell, and RootlessV2.Tests.ps1 runs AS mdrootless. Writes the counts to -ResultPath as JSON.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ResultPath,
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../../out'),
    [int]$TimeoutSeconds = 1500
)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$out = [IO.Path]::GetFullPath($BuildOutput)
& bash (Join-Path $PSScriptRoot 'ensure-users.sh')
$marker = 'MINIDOCKER-ROOTLESS-V2-RESULT '
$pester = (Resolve-Path (Join-Path $repo '.tools/pester/pester/5.7.1/tools/Pester.psd1')).Path
$guestScript = @'
set -u
cg=/sys/fs/cgroup/stage
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || { echo "rootless v2 stage: not cgroup v2" >&2; exit 3; }
echo "+memory +pids +cpu" > $cg/cgroup.subtree_control
mkdir -p $cg/deleg/shell
# Delegation as systemd does it: the directory and the files a delegatee writes become the user's.
chown mdrootless $cg/deleg $cg/deleg/cgroup.procs $cg/deleg/cgroup.subtree_control $cg/deleg/cgroup.threads \
  $cg/deleg/shell $cg/deleg/shell/cgroup.procs $cg/deleg/shell/cgroup.subtree_control $cg/deleg/shell/cgroup.threads
w=/tmp/rootless-v2; mkdir -p $w; chown mdrootless $w; chmod 700 $w
echo "rootless v2 stage: kernel $(uname -r)"
# setpriv execs (runuser would stay behind as a root parent inside the delegated subtree, and enabling cpuset there
# then needs to move that root process: EPERM, as it would be in a real user@.service delegation).
sh -c "echo \$\$ > $cg/deleg/shell/cgroup.procs && exec setpriv --reuid=mdrootless --regid=mdrootless --init-groups env -i HOME=/home/mdrootless PATH=/usr/local/bin:/usr/bin:/bin \
  POWERSHELL_TELEMETRY_OPTOUT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 XDG_DATA_HOME=$w/data MD_DELEGATED_CGROUP=/stage/deleg \
  MINIDOCKER_MODULE=@OUT@/MiniDocker/MiniDocker.psd1 MINIDOCKER_TEST_BINARY=@OUT@/native/mdtest MINIDOCKER_PESTER_MODULE=@PESTER@ \
  @REPO@/.tools/pwsh/pwsh -NoProfile -NonInteractive -File @REPO@/tests/rootless/Invoke-UserPester.ps1 -Path @REPO@/tests/rootless/RootlessV2.Tests.ps1 -ResultPath $w/result.json"
status=$?
[ -s $w/result.json ] && echo "@MARKER@$(tr -d '\n' < $w/result.json)"
exit $status
'@ -replace '@OUT@', $out -replace '@PESTER@', $pester -replace '@REPO@', $repo -replace '@MARKER@', $marker

$counts = $null
Push-Location $repo
try {
    & bash (Join-Path $repo 'tests/vm/run-in-vm.sh') --timeout $TimeoutSeconds -- sh -c $guestScript 2>&1 | ForEach-Object {
        $line = "$_"
        if ($line.StartsWith($marker)) { $counts = $line.Substring($marker.Length) | ConvertFrom-Json -AsHashtable }
        else { Write-Host $line }
    }
    $status = $LASTEXITCODE
} finally { Pop-Location }
if ($null -eq $counts) { Write-Host "rootless v2 stage: FAILED, no results (exit $status)." -ForegroundColor Red; $counts = @{ Passed = 0; Failed = 1; Skipped = 0 } }
elseif ($status -ne 0) { Write-Host "rootless v2 stage: the guest exited $($status): counted as one more failure." -ForegroundColor Red; $counts.Failed++ }
$counts | ConvertTo-Json | Set-Content $ResultPath
Write-Host ("rootless v2 stage: {0} passed, {1} failed, {2} skipped" -f $counts.Passed, $counts.Failed, $counts.Skipped)
