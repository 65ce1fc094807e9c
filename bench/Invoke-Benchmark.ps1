<#
.SYNOPSIS
    Start-to-exit of /bin/true in a busybox rootfs, side by side in one run: a minimal C clone
    program (the floor, with and without cgroups), crun, runc, mdhelper alone, and MiniDocker from
    this warm pwsh session. Prints a markdown table (median, p90, ratios) and writes it to
    bench/results/<date>.md. See bench/README.md.
#>
[CmdletBinding()]
param(
    [int]$Iterations = 200,
    # 0 skips the throughput rows.
    [int]$Parallel = 8,
    # Containers per concurrent slot.
    [int]$PerSlot = 25,
    # 3 iterations of everything, a few parallel runs: checks the bench still works.
    [switch]$Quick,
    # Slot counts for the throughput rows (each with PerSlot containers per slot).
    [int[]]$SlotCounts = @(1, 4, 8),
    # Populations for the flat-cost rows: containers Created, and containers Running `sleep`, present while timing.
    [int[]]$Created = @(0, 100, 1000),
    [int[]]$Running = @(10, 100, 500),
    [string]$BuildOutput = (Join-Path $PSScriptRoot '../out'),
    [string]$ResultDirectory = (Join-Path $PSScriptRoot 'results')
)
$ErrorActionPreference = 'Stop'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
if ($Quick) { $Iterations = 3; $PerSlot = 2; $SlotCounts = @(1, 2); $Created = @(0, 5, 20); $Running = @(2, 5) }
$warmup = [Math]::Min(10, $Iterations)

if ((id -u) -ne 0) { throw 'The bench runs real containers and needs root.' }
$missing = @(foreach ($t in 'cc', 'crun', 'runc', 'hyperfine', 'unshare') { if (-not (Get-Command $t -ErrorAction Ignore)) { $t } })
if ($missing) {
    Write-Host "bench: installing $($missing -join ' ') with apt-get"
    apt-get update -qq
    $env:DEBIAN_FRONTEND = 'noninteractive'
    apt-get install -y -qq --no-install-recommends @($missing | ForEach-Object { if ($_ -eq 'cc') { 'gcc'; 'libc6-dev' } else { $_ } }) | Out-Null
    if ($LASTEXITCODE) { throw "apt-get install $($missing -join ' ') failed" }
}
$BuildOutput = (Resolve-Path $BuildOutput).Path
$modulePath = Join-Path $BuildOutput 'MiniDocker/MiniDocker.psd1'
if (-not (Test-Path $modulePath)) { throw "No built module at ${modulePath}: run ./build.ps1 first (or pass -BuildOutput)." }

# ------------------------------------------------------------------ work area and cleanup bookkeeping
$work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-bench-$PID"
$tag = "mdbench-$PID"
New-Item -ItemType Directory -Force $work | Out-Null
$env:MINIDOCKER_ROOT = Join-Path $work 'state'
$env:MINIDOCKER_RUN_ROOT = Join-Path $work 'run'
$env:MINIDOCKER_CGROUP_PARENT = $tag   # relative: nested under this process's own cgroup
$env:MINIDOCKER_DEFAULT_NETWORK = 'none'   # the peers run without a network, and a bench runs in the machine's own netns
$env:MINIDOCKER_HELPER = Join-Path $BuildOutput 'native/mdhelper'   # this machine's build: the module's runtimes/RID/mdhelper

# This process's cgroup per v1 hierarchy (and the unified one): where everything of ours is nested.
$own = @{}
foreach ($line in Get-Content /proc/self/cgroup) {
    $id, $ctrls, $path = $line -split ':', 3
    foreach ($c in ($ctrls -split ',')) { $own[($c -replace '^name=', '')] = $path.TrimEnd('/') }
    if ($ctrls -eq '') { $own['unified'] = $path.TrimEnd('/') }
}
# crun takes cgroupsPath from each hierarchy's root: give it the memory hierarchy's own path (the only
# one not at /), and remember which directories of that chain existed, to remove only what crun made.
$crunBase = "$($own['memory'])/$tag-crun"
$hierarchies = Get-ChildItem /sys/fs/cgroup -Directory | ForEach-Object Name
$preexisting = @{}
foreach ($h in $hierarchies) {
    for ($p = $own['memory']; $p; $p = Split-Path $p -Parent) { if (Test-Path "/sys/fs/cgroup/$h$p") { $preexisting["$h$p"] = $true } }
}

function Remove-BenchCgroups {
    foreach ($h in $hierarchies) {
        $mine = @("/sys/fs/cgroup/$h$($own[$h])", "/sys/fs/cgroup/$h$($own['memory'])") | Select-Object -Unique
        foreach ($base in $mine) {
            if (-not (Test-Path $base)) { continue }
            Get-ChildItem $base -Directory -Filter "$tag*" -ErrorAction Ignore | ForEach-Object {
                Get-ChildItem $_.FullName -Directory -Recurse -ErrorAction Ignore | Sort-Object { $_.FullName.Length } -Descending |
                    ForEach-Object { [IO.Directory]::Delete($_.FullName) }
                [IO.Directory]::Delete($_.FullName)
            }
        }
        # The chain crun created above its cgroup in hierarchies where our own cgroup is the root.
        for ($p = $own['memory']; $p -and $p -ne '/'; $p = Split-Path $p -Parent) {
            $dir = "/sys/fs/cgroup/$h$p"
            if (-not $preexisting["$h$p"] -and (Test-Path $dir) -and -not (Get-ChildItem $dir -Directory)) { [IO.Directory]::Delete($dir) }
        }
    }
}

Import-Module (Join-Path $PSScriptRoot 'BenchSession.psm1') -Force

$rows = [Collections.Generic.List[object]]::new()
function Add-Row($name, [double[]]$ms) { $st = Get-BenchStats $ms; $rows.Add([pscustomobject]@{ Name = $name; Median = $st.Median; P90 = $st.P90; N = $st.N }) }

$module = $null
try {
    # -------------------------------------------------------------- inputs: floor binary, rootfs, bundles, plans
    $floor = Join-Path $work 'floor'
    cc -O2 -Wall -o $floor (Join-Path $PSScriptRoot 'floor.c')
    if ($LASTEXITCODE) { throw 'cc bench/floor.c failed' }
    $ocipeer = Join-Path $work 'ocipeer'
    cc -O2 -Wall -o $ocipeer (Join-Path $PSScriptRoot 'ocipeer.c')
    if ($LASTEXITCODE) { throw 'cc bench/ocipeer.c failed' }
    $rootfs = Join-Path $work 'rootfs'
    cp -a (Join-Path $BuildOutput 'rootfs') $rootfs   # a copy: crun and runc create mount points in it
    if (-not (Test-Path "$rootfs/bin/true")) { throw "$rootfs/bin/true missing: the build's default rootfs is not busybox-based" }
    $empty = Join-Path $work 'empty-controllers'
    New-Item -ItemType File $empty | Out-Null

    $slots = [Math]::Max(1, ($SlotCounts | Measure-Object -Maximum).Maximum)   # bundles for the widest run
    $template = Join-Path $work 'spec'
    New-Item -ItemType Directory $template | Out-Null
    runc spec --bundle $template
    $spec = Get-Content -Raw "$template/config.json" | ConvertFrom-Json
    $spec.root = [pscustomobject]@{ path = $rootfs; readonly = $true }
    $spec.process.args = @('/bin/true')
    $spec.process.terminal = $false
    foreach ($rt in 'crun', 'runc') {
        for ($i = 0; $i -lt $slots; $i++) {
            $spec.linux | Add-Member -Force cgroupsPath ($(if ($rt -eq 'crun') { "$crunBase-$i" } else { "$tag-runc-$i" }))
            $b = Join-Path $work "bundle-$rt-$i"
            New-Item -ItemType Directory $b | Out-Null
            $spec | ConvertTo-Json -Depth 20 | Set-Content "$b/config.json"
        }
    }

    Import-Module $modulePath
    $module = Get-Module MiniDocker
    $null = Get-MiniContainer   # loads MiniDocker.Engine the way the module resolves it, so its types resolve here
    $engine = [MiniDocker.Engine.ContainerEngine]::new()

    # mdhelper alone: the exact plan the engine sends (overlay, /dev, /sys, cgroups, log, exit file),
    # and a minimal one (bind rootfs, /proc, pivot) comparable to the floor.
    $hdir = Join-Path $work 'helper'
    foreach ($d in 'upper', 'work', 'rootfs') { New-Item -ItemType Directory -Force (Join-Path $hdir $d) | Out-Null }
    New-Item -ItemType SymbolicLink (Join-Path $hdir ([MiniDocker.Engine.Launch.ContainerPlan]::LowerName(0))) -Target $rootfs | Out-Null
    $helperCgroup = $engine.Cgroups.Create("helper", [MiniDocker.ResourceLimits]::new())
    # A real default container's record (its security settings and limits resolved by Create, as for every
    # user): the helper's plan and the OCI peers' config.json both come from it.
    $specObj = [MiniDocker.Engine.Containers.ContainerSpec]@{ RootFs = $rootfs; Command = @('/bin/true') }
    $c = $engine.Create($specObj)
    $engine.Remove($c.Id, $true)
    $plan = [MiniDocker.Engine.Launch.ContainerPlan]::Build($c, $hdir, $engine.Cgroups.ProcsFiles($helperCgroup), "$hdir/container.log", "$hdir/exit")
    # As the engine does: the seccomp program compiled once and cached (a cold start compiles it, ~10 ms).
    [MiniDocker.Engine.Launch.SeccompCache]::Attach($plan, "$work/seccomp", $engine.Options.HelperPath)
    [IO.File]::WriteAllBytes("$work/plan-engine", $plan.Encode())
    $LP = [MiniDocker.Engine.Launch.LaunchPlan]
    $minimal = [MiniDocker.Engine.Launch.LaunchPlan]::new().Hostname('bench').Chdir($work).
        Mount($rootfs, 'mnt', '', 4096 -bor 16384, '').Mount('proc', 'mnt/proc', 'proc', $LP::MS_NOSUID -bor $LP::MS_NODEV -bor $LP::MS_NOEXEC, '').
        Pivot('mnt').Arg('/bin/true')
    [IO.File]::WriteAllBytes("$work/plan-minimal", $minimal.Encode())

    # crun and runc configured like MiniDocker: config.json translated from the same plan (Docker's seccomp profile
    # as ours, capabilities, masked and read-only paths, mounts, namespaces, no_new_privs, rlimits, pids limit and
    # device list), run by ocipeer on a fresh overlay per run. One bundle per parallel slot (its own overlay mount point).
    $peerConfig = ConvertTo-OciConfig -Plan ([MiniDocker.Engine.Launch.ContainerPlan]::Build($c, $hdir, [string[]]@(), "$hdir/container.log", "$hdir/exit")) -Container $c -CgroupsPath 'set below'
    $newPeerBundle = {
        param($name, $cgroupsPath, $command, $annotations)
        $b = Join-Path $work $name
        New-Item -ItemType Directory (Join-Path $b 'rootfs') | Out-Null
        $peerConfig.linux.cgroupsPath = $cgroupsPath
        $peerConfig.process.args = @($command)
        if ($annotations) { $peerConfig.annotations = $annotations } else { $peerConfig.Remove('annotations') }
        $peerConfig | ConvertTo-Json -Depth 20 | Set-Content "$b/config.json"
        $b
    }
    $peerCgroup = @{ crun = { param($n) "$crunBase-$n" }; runc = { param($n) "$tag-runc-$n" } }   # crun: from each hierarchy's root; runc: nested
    # crun can also take a compiled filter (annotation run.oci.seccomp_bpf_data) instead of compiling the profile with
    # libseccomp on every run: given the very program the helper compiled and cached from our rules (one helper run
    # fills the cache), it is crun configured like MiniDocker with the same cache MiniDocker has.
    & $floor --drive "$work/plan-engine" $env:MINIDOCKER_HELPER
    if ($LASTEXITCODE) { throw "mdhelper with the engine's plan exited $LASTEXITCODE" }
    $bpf = @{ 'run.oci.seccomp_bpf_data' = [Convert]::ToBase64String([IO.File]::ReadAllBytes(($plan.Directives | Where-Object { $_[0] -eq 'seccompcache' })[1])) }
    foreach ($rt in 'crun', 'runc', 'crunbpf') {
        for ($i = 0; $i -lt $slots; $i++) {
            $null = & $newPeerBundle "peer-$rt-$i" (& $peerCgroup[$rt -replace 'bpf'] "peer$($rt -replace 'crun|runc')-$i") '/bin/true' $(if ($rt -eq 'crunbpf') { $bpf })
        }
    }

    # The peers' protections are real: the same probe, in a MiniDocker default container and in each peer, must
    # print the same (seccomp filter on, no_new_privs, capability sets, a masked path empty, the mounts, a cgroup
    # namespace, the open-files limit). A broken translation fails the bench here, also in -Quick (Bench.Tests.ps1).
    $probe = 'grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status; echo "keys=$(wc -c < /proc/keys) timer_list=$(wc -c < /proc/timer_list)"; ' +
        'awk ''$5 !~ /^\/dev\/(null|zero|full|random|urandom|tty)$/ { ro = ($6 ~ /(^|,)ro(,|$)/) ? "ro" : "rw"; print $5, (($5 ~ /^\/proc\/(keys|timer_list|interrupts)$/) ? "" : ro) }'' /proc/self/mountinfo | sort; ' +
        'cat /proc/self/cgroup; echo "nofile=$(ulimit -n)"; (echo 1 > /proc/sys/kernel/ns_last_pid) 2>/dev/null && echo "proc/sys writable" || echo "proc/sys read-only"'
    $mdProbe = @(New-MiniContainer -RootFs $rootfs -Command /bin/sh, -c, $probe -AutoRemove | Start-MiniContainer -Wait) -join "`n"
    if ($LASTEXITCODE -or $mdProbe -notmatch "Seccomp:\s+2" -or $mdProbe -notmatch 'NoNewPrivs:\s+1' -or $mdProbe -notmatch 'keys=0 ') { throw "bench: MiniDocker's own probe is not what a default container shows:`n$mdProbe" }
    foreach ($rt in 'crun', 'runc', 'crunbpf') {
        $b = & $newPeerBundle "probe-$rt" (& $peerCgroup[$rt -replace 'bpf'] "probe$($rt -replace 'crun|runc')") @('/bin/sh', '-c', $probe) $(if ($rt -eq 'crunbpf') { $bpf })
        $peerProbe = @(unshare -m --propagation private sh -c "mount --bind $empty /sys/fs/cgroup/unified/cgroup.controllers && exec $ocipeer -i $($rt -replace 'bpf') $work/$($rt -replace 'bpf')-state $b $rootfs") -join "`n"
        if ($LASTEXITCODE -or $peerProbe -cne $mdProbe) {
            $diff = Compare-Object ($mdProbe -split "`n") ($peerProbe -split "`n") | ForEach-Object { "$(if ($_.SideIndicator -eq '<=') { 'MiniDocker' } else { $rt }): $($_.InputObject)" }
            throw "bench: $rt configured like MiniDocker does not apply the same protections (exit $LASTEXITCODE):`n$($diff -join "`n")"
        }
    }
    Write-Host "bench: crun and runc peers checked: the same seccomp, no_new_privs, capabilities, masked and read-only paths, mounts and cgroup namespace as MiniDocker"

    # -------------------------------------------------------------- (a)-(c) and mdhelper: hyperfine, in one private mount namespace
    $helper = $env:MINIDOCKER_HELPER
    $commands = [ordered]@{
        'floor: clone + pivot_root + /proc + exec (C)' = "$floor $rootfs /bin/true"
        'floor + cgroups (memory, pids, cpu)'          = "$floor --cgroup $tag-floor $rootfs /bin/true"
        'crun run'                                     = "crun --root $work/crun-state run -b $work/bundle-crun-0 $tag-c"
        'runc run'                                     = "runc --root $work/runc-state run -b $work/bundle-runc-0 $tag-r"
        'crun run, configured like MiniDocker (ocipeer)' = "$ocipeer crun $work/crun-state $work/peer-crun-0 $rootfs"
        'runc run, configured like MiniDocker (ocipeer)' = "$ocipeer runc $work/runc-state $work/peer-runc-0 $rootfs"
        'crun run, configured like MiniDocker, seccomp precompiled (ocipeer)' = "$ocipeer crun $work/crun-state $work/peer-crunbpf-0 $rootfs"
        'mdhelper run, minimal plan (no pwsh)'         = "$floor --drive $work/plan-minimal $helper"
        'mdhelper run, engine''s plan (no pwsh)'       = "$floor --drive $work/plan-engine $helper"
    }
    # The seed's interface, as a user types it in bash: a whole process per container, like crun run.
    $cli = Join-Path $BuildOutput 'MiniDocker/bin/mini-docker'
    if (-not (Test-Path $cli)) { throw "No mini-docker at ${cli}: build.ps1 installs it." }
    $commands['mini-docker run --rm (bash; NativeAOT process)'] = "$cli run --rm $rootfs /bin/true"
    $json = Join-Path $work 'hyperfine.json'
    $hf = @('hyperfine', '-N', '--style', 'none', '-w', $warmup, '-r', [Math]::Max(3, $Iterations), '--export-json', $json) + @($commands.Values | ForEach-Object { "'$_'" })
    # crun 1.8 refuses this hybrid host while unified/cgroup.controllers lists controllers: hide them
    # from it in a private mount namespace (see /work/shared/notes/baselines.md).
    $inner = "mount --bind $empty /sys/fs/cgroup/unified/cgroup.controllers && exec " + ($hf -join ' ')
    Write-Host "bench: hyperfine, $Iterations runs each of $($commands.Count) commands"
    unshare -m --propagation private sh -c $inner | Out-Null
    if ($LASTEXITCODE) { throw "hyperfine failed ($LASTEXITCODE)" }
    $results = (Get-Content -Raw $json | ConvertFrom-Json).results
    $names = @($commands.Keys)
    for ($i = 0; $i -lt $names.Count; $i++) { Add-Row $names[$i] ($results[$i].times | ForEach-Object { $_ * 1000 }) }
    # CPU per container (user + system of the command and every process it waited for): what bounds throughput on
    # 2 cores, and steadier than wall time on shared ones. mini-docker's monitor is not its child: left out.
    $cpuRows = for ($i = 0; $i -lt $names.Count; $i++) {
        if ($names[$i] -notlike 'mini-docker*') { [pscustomobject]@{ Name = $names[$i]; Ms = ($results[$i].user + $results[$i].system) * 1000 } }
    }

    # -------------------------------------------------------------- (d) MiniDocker from this warm session
    Write-Host "bench: MiniDocker in-process, $Iterations iterations each"
    $true_ = '/bin/true'
    $sw = [Diagnostics.Stopwatch]::new()
    $cmdletMs = [Collections.Generic.List[double]]::new()
    $engineMs = [Collections.Generic.List[double]]::new()
    $phase = @{ Create = [Collections.Generic.List[double]]::new(); Start = [Collections.Generic.List[double]]::new(); Wait = [Collections.Generic.List[double]]::new(); Remove = [Collections.Generic.List[double]]::new() }
    for ($i = -$warmup; $i -lt $Iterations; $i++) {
        $sw.Restart()
        New-MiniContainer -RootFs $rootfs -Command $true_ | Start-MiniContainer -PassThru | Wait-MiniContainer | Remove-MiniContainer -Confirm:$false
        $sw.Stop()
        if ($i -ge 0) { $cmdletMs.Add($sw.Elapsed.TotalMilliseconds) }

        $t = @{}
        $sw.Restart()
        $x = $engine.Create($specObj); $t.Create = $sw.Elapsed.TotalMilliseconds
        $null = $engine.Start($x.Id); $t.Start = $sw.Elapsed.TotalMilliseconds
        $y = $engine.Wait($x.Id, $null, [Threading.CancellationToken]::None); $t.Wait = $sw.Elapsed.TotalMilliseconds
        $engine.Remove($x.Id, $false); $t.Remove = $sw.Elapsed.TotalMilliseconds
        $sw.Stop()
        if ($y.ExitCode -ne 0) { throw "MiniDocker: /bin/true exited $($y.ExitCode)" }
        if ($i -ge 0) {
            $engineMs.Add($t.Remove)
            $phase.Create.Add($t.Create); $phase.Start.Add($t.Start - $t.Create); $phase.Wait.Add($t.Wait - $t.Start); $phase.Remove.Add($t.Remove - $t.Wait)
        }
    }
    Add-Row 'MiniDocker cmdlets: New \| Start \| Wait \| Remove (warm pwsh)' $cmdletMs
    Add-Row 'MiniDocker engine API: Create, Start, Wait, Remove (warm pwsh)' $engineMs

    # -------------------------------------------------------------- the other paths users type (warm pwsh)
    $userPaths = [ordered]@{
        'New \| Start -Wait \| Remove (warm pwsh)' = { New-MiniContainer -RootFs $rootfs -Command $true_ | Start-MiniContainer -Wait -PassThru | Remove-MiniContainer -Confirm:$false }
        'New \| Start -PassThru \| Wait \| Remove (warm pwsh)' = { New-MiniContainer -RootFs $rootfs -Command $true_ | Start-MiniContainer -PassThru | Wait-MiniContainer | Remove-MiniContainer -Confirm:$false }
        # docker run --rm: the container removes itself, and its overlay is volatile (no sync of the upper filesystem at exit).
        'New -AutoRemove \| Start -Wait (docker run --rm; warm pwsh)' = { New-MiniContainer -RootFs $rootfs -Command $true_ -AutoRemove | Start-MiniContainer -Wait }
    }
    foreach ($name in $userPaths.Keys) {
        $ms = [Collections.Generic.List[double]]::new()
        for ($i = -$warmup; $i -lt $Iterations; $i++) {
            $sw.Restart(); $null = & $userPaths[$name]; $sw.Stop()
            if ($i -ge 0) { $ms.Add($sw.Elapsed.TotalMilliseconds) }
        }
        Add-Row "MiniDocker cmdlets: $name" $ms
    }
    # exec: docker exec's cost, into one running container (crun exec is its counterpart, not crun run).
    $execTarget = New-MiniContainer -RootFs $rootfs -Command /bin/sleep, 600 | Start-MiniContainer -PassThru
    $ms = [Collections.Generic.List[double]]::new()
    for ($i = -$warmup; $i -lt $Iterations; $i++) {
        $sw.Restart(); Invoke-MiniContainer -InputObject $execTarget -Command $true_; $sw.Stop()
        if ($LASTEXITCODE -ne 0) { throw "Invoke-MiniContainer /bin/true exited $LASTEXITCODE" }
        if ($i -ge 0) { $ms.Add($sw.Elapsed.TotalMilliseconds) }
    }
    Add-Row 'MiniDocker cmdlets: Invoke-MiniContainer /bin/true (exec; warm pwsh)' $ms
    $execTarget | Remove-MiniContainer -Force -Confirm:$false

    # -------------------------------------------------------------- Import-Module in a fresh pwsh
    $pwshExe = Join-Path $PSHOME pwsh
    $importMs = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt [Math]::Min(10, [Math]::Max(3, $Iterations)); $i++) {
        $importMs.Add([double](& $pwshExe -NoProfile -NonInteractive -c "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$modulePath'; `$sw.Elapsed.TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)"))
    }
    $importStats = Get-BenchStats $importMs

    # -------------------------------------------------------------- flat cost: timings with many containers present
    # Each population is made with the engine API (fast), then timed: Create, Start (engine), Get-MiniContainer -Name
    # (one container by name) and Get-MiniContainer (all). Goals: flat in the population; listing 1000 <= 100 ms.
    Write-Host "bench: flat cost with $($Created -join '/') created and $($Running -join '/') running containers present"
    $population = [Collections.Generic.List[object]]::new()
    $scale = [Collections.Generic.List[object]]::new()
    $probeCount = [Math]::Max(3, [Math]::Min(20, $Iterations))
    $sleepSpec = [MiniDocker.Engine.Containers.ContainerSpec]@{ RootFs = $rootfs; Command = @('/bin/sleep', '3600') }
    $measure = {
        param([string]$label)
        $create = [Collections.Generic.List[double]]::new(); $start = [Collections.Generic.List[double]]::new()
        $byName = [Collections.Generic.List[double]]::new(); $all = [Collections.Generic.List[double]]::new()
        for ($i = 0; $i -lt $probeCount; $i++) {
            $sw.Restart(); $x = $engine.Create($specObj); $create.Add($sw.Elapsed.TotalMilliseconds)
            $sw.Restart(); $null = $engine.Start($x.Id); $start.Add($sw.Elapsed.TotalMilliseconds)
            $null = $engine.Wait($x.Id, $null, [Threading.CancellationToken]::None)
            $sw.Restart(); $null = Get-MiniContainer -Name $x.Name; $byName.Add($sw.Elapsed.TotalMilliseconds)
            $sw.Restart(); $null = Get-MiniContainer; $all.Add($sw.Elapsed.TotalMilliseconds)
            $engine.Remove($x.Id, $false)
        }
        $scale.Add([pscustomobject]@{ Present = $label; Create = (Get-BenchStats $create).Median; Start = (Get-BenchStats $start).Median
                ByName = (Get-BenchStats $byName).Median; All = (Get-BenchStats $all).Median })
    }
    foreach ($n in $Created) {
        while ($population.Count -lt $n) { $population.Add($engine.Create($specObj)) }
        & $measure "$n created"
    }
    foreach ($p in $population) { $engine.Remove($p.Id, $true) }
    $population.Clear()
    foreach ($n in $Running) {
        while ($population.Count -lt $n) { $y = $engine.Create($sleepSpec); $null = $engine.Start($y.Id); $population.Add($y) }
        & $measure "$n running"
    }
    foreach ($p in $population) { $engine.Remove($p.Id, $true) }
    $population.Clear()

    # -------------------------------------------------------------- monitor RSS
    $sleeper = New-MiniContainer -RootFs $rootfs -Command /bin/sleep, 30 | Start-MiniContainer -PassThru
    $status = Get-Content "/proc/$($sleeper.MonitorPid)/status"
    $kb = { param($k) [int](($status | Where-Object { $_ -like "${k}:*" }) -replace '\D', '') }
    $rss = [pscustomobject]@{ VmRSS = & $kb 'VmRSS'; RssAnon = & $kb 'RssAnon'; RssFile = & $kb 'RssFile' }
    $sleeper | Remove-MiniContainer -Force -Confirm:$false

    # -------------------------------------------------------------- parallel throughput
    $throughput = [Collections.Generic.List[object]]::new()
    if ($Parallel -gt 0) {
      foreach ($slots in $SlotCounts) {
        Write-Host "bench: parallel, $slots slots x $PerSlot containers"
        $loops = [ordered]@{
            'floor + cgroups'            = { param($i) "$floor --cgroup $tag-floor $rootfs /bin/true" }
            'crun run'                   = { param($i) "crun --root $work/crun-state run -b $work/bundle-crun-$i $tag-c$i" }
            'runc run'                   = { param($i) "runc --root $work/runc-state run -b $work/bundle-runc-$i $tag-r$i" }
            'crun run, configured like MiniDocker' = { param($i) "$ocipeer crun $work/crun-state $work/peer-crun-$i $rootfs" }
            'runc run, configured like MiniDocker' = { param($i) "$ocipeer runc $work/runc-state $work/peer-runc-$i $rootfs" }
            'crun run, configured like MiniDocker, seccomp precompiled' = { param($i) "$ocipeer crun $work/crun-state $work/peer-crunbpf-$i $rootfs" }
        }
        foreach ($name in $loops.Keys) {
            $bodies = for ($i = 0; $i -lt $slots; $i++) { "(for n in `$(seq $PerSlot); do $(& $loops[$name] $i) || exit 1; done) &" }
            $script = "mount --bind $empty /sys/fs/cgroup/unified/cgroup.controllers || exit 1; s=`$(date +%s%N); $($bodies -join ' ') fail=0; for j in `$(jobs -p); do wait `$j || fail=1; done; e=`$(date +%s%N); [ `$fail = 0 ] || exit 1; echo `$(( (e - s) / 1000 ))"
            $us = unshare -m --propagation private bash -c $script
            if ($LASTEXITCODE) { throw "parallel $name failed" }
            $throughput.Add([pscustomobject]@{ Name = $name; Slots = $slots; PerSecond = $slots * $PerSlot / ([double]$us / 1e6) })
        }
        # MiniDocker: one engine per thread in this process; slots start together after a barrier.
        $go = [Threading.Barrier]::new($slots + 1)
        $jobs = for ($i = 0; $i -lt $slots; $i++) {
            Start-ThreadJob -ThrottleLimit $slots -ArgumentList $go, $specObj, $PerSlot -ScriptBlock {
                param($go, $spec, $n)
                $null = $go.SignalAndWait([TimeSpan]::FromSeconds(60))
                $e = [MiniDocker.Engine.ContainerEngine]::new()
                for ($k = 0; $k -lt $n; $k++) {
                    $x = $e.Create($spec); $null = $e.Start($x.Id)
                    $null = $e.Wait($x.Id, $null, [Threading.CancellationToken]::None); $e.Remove($x.Id, $false)
                }
            }
        }
        if (-not $go.SignalAndWait([TimeSpan]::FromSeconds(60))) { throw 'parallel MiniDocker: the slots did not start' }
        $sw.Restart()
        $null = $jobs | Wait-Job | Receive-Job
        $sw.Stop()
        $jobs | Remove-Job
        $throughput.Add([pscustomobject]@{ Name = 'MiniDocker engine API (threads in warm pwsh)'; Slots = $slots; PerSecond = $slots * $PerSlot / $sw.Elapsed.TotalSeconds })
        # mini-docker from bash, one process per container, like the crun loop.
        $bodies = for ($i = 0; $i -lt $slots; $i++) { "(for n in `$(seq $PerSlot); do $cli run --rm $rootfs /bin/true || exit 1; done) &" }
        $script = "s=`$(date +%s%N); $($bodies -join ' ') fail=0; for j in `$(jobs -p); do wait `$j || fail=1; done; e=`$(date +%s%N); [ `$fail = 0 ] || exit 1; echo `$(( (e - s) / 1000 ))"
        $us = bash -c $script
        if ($LASTEXITCODE) { throw 'parallel mini-docker failed' }
        $throughput.Add([pscustomobject]@{ Name = 'mini-docker run --rm (bash)'; Slots = $slots; PerSecond = $slots * $PerSlot / ([double]$us / 1e6) })
      }
    }

    # -------------------------------------------------------------- report
    $floorMs = ($rows | Where-Object Name -like 'floor: *').Median
    $crunMs = ($rows | Where-Object Name -eq 'crun run').Median
    $peerMs = ($rows | Where-Object Name -eq 'crun run, configured like MiniDocker (ocipeer)').Median
    $cpu = ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '.*:\s*', '')
    $md = [Text.StringBuilder]::new()
    $null = $md.AppendLine("# MiniDocker bench, $(Get-Date -Format 'yyyy-MM-dd HH:mm')").AppendLine()
    $null = $md.AppendLine("Start-to-exit of ``/bin/true`` in a busybox rootfs; $Iterations runs each after $warmup warm-up runs. " +
        "$([Environment]::ProcessorCount) CPUs ($cpu), kernel $(uname -r), $(crun --version | Select-Object -First 1), $(runc --version | Select-Object -First 1), load before: $((Get-Content /proc/loadavg) -replace ' \d+/.*', '').").AppendLine()
    # The `dotnet tool` pwsh ships IL only; Microsoft's packages are precompiled (bench/precompiled-pwsh.sh makes such a copy).
    $sma = [IO.File]::OpenRead([System.Management.Automation.PSObject].Assembly.Location)
    try { $precompiled = [Reflection.PortableExecutable.PEReader]::new($sma).PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 } finally { $sma.Dispose() }
    $null = $md.AppendLine("pwsh $($PSVersionTable.PSVersion) on .NET $([Environment]::Version) from ``$PSHOME``: " +
        $(if ($precompiled) { 'precompiled (ReadyToRun), as Microsoft ships it.' } else { 'IL only (the `dotnet tool` build: PowerShell itself is JIT-compiled in every session).' })).AppendLine()
    $null = $md.AppendLine('`× crun`: against crun with `runc spec`''s default bundle; `× crun like MD`: against crun configured like a MiniDocker default container (see bench/README.md).').AppendLine()
    $null = $md.AppendLine('| what | median ms | p90 ms | × floor | × crun | × crun like MD |').AppendLine('|---|---:|---:|---:|---:|---:|')
    foreach ($r in $rows) {
        $null = $md.AppendLine(('| {0} | {1:0.00} | {2:0.00} | {3:0.00} | {4:0.00} | {5:0.00} |' -f $r.Name, $r.Median, $r.P90, ($r.Median / $floorMs), ($r.Median / $crunMs), ($r.Median / $peerMs)))
    }
    $crunCpu = ($cpuRows | Where-Object Name -eq 'crun run').Ms
    $peerCpu = ($cpuRows | Where-Object Name -eq 'crun run, configured like MiniDocker (ocipeer)').Ms
    $null = $md.AppendLine().AppendLine('CPU per container, runtimes alone (hyperfine''s mean user + system time of the command and the processes it waits for; mini-docker''s monitor is not its child, so it is left out):').AppendLine()
    $null = $md.AppendLine('| what | CPU ms | × crun | × crun like MD |').AppendLine('|---|---:|---:|---:|')
    foreach ($r in $cpuRows) { $null = $md.AppendLine(('| {0} | {1:0.00} | {2:0.00} | {3:0.00} |' -f $r.Name, $r.Ms, ($r.Ms / $crunCpu), ($r.Ms / $peerCpu))) }
    $null = $md.AppendLine().AppendLine('MiniDocker engine API, per phase (median ms):').AppendLine()
    $null = $md.AppendLine('| Create | Start | Wait | Remove |').AppendLine('|---:|---:|---:|---:|')
    $null = $md.AppendLine(('| {0:0.00} | {1:0.00} | {2:0.00} | {3:0.00} |' -f (Get-BenchStats $phase.Create).Median, (Get-BenchStats $phase.Start).Median, (Get-BenchStats $phase.Wait).Median, (Get-BenchStats $phase.Remove).Median))
    $null = $md.AppendLine().AppendLine(('Monitor resident memory (running `sleep 30`, /proc/PID/status): VmRSS {0} KiB, RssAnon {1} KiB, RssFile {2} KiB; budget < 1024 KiB: {3}.' -f
            $rss.VmRSS, $rss.RssAnon, $rss.RssFile, $(if ($rss.VmRSS -lt 1024) { 'within' } else { 'OVER' })))
    if ($throughput.Count) {
        $null = $md.AppendLine().AppendLine("Parallel: N concurrent slots × $PerSlot containers each (containers/s; × crun and × crun like MD at the same N).").AppendLine()
        $null = $md.AppendLine('| what | slots | containers/s | × crun | × crun like MD |').AppendLine('|---|---:|---:|---:|---:|')
        foreach ($t in $throughput) {
            $crunT = ($throughput | Where-Object { $_.Name -eq 'crun run' -and $_.Slots -eq $t.Slots }).PerSecond
            $peerT = ($throughput | Where-Object { $_.Name -eq 'crun run, configured like MiniDocker' -and $_.Slots -eq $t.Slots }).PerSecond
            $null = $md.AppendLine(('| {0} | {1} | {2:0} | {3:0.00} | {4:0.00} |' -f $t.Name, $t.Slots, $t.PerSecond, ($t.PerSecond / $crunT), ($t.PerSecond / $peerT)))
        }
    }
    $null = $md.AppendLine().AppendLine(('Import-Module MiniDocker in a fresh pwsh: median {0:0.0} ms, p90 {1:0.0} ms over {2} runs (goal <= 100 ms).' -f $importStats.Median, $importStats.P90, $importStats.N))
    $null = $md.AppendLine().AppendLine("Flat cost: medians (ms) over $probeCount containers made, started, looked up and removed while others are present (engine API for Create and Start; goals: flat, Get-MiniContainer of 1000 <= 100 ms).").AppendLine()
    $null = $md.AppendLine('| present | Create | Start | Get-MiniContainer -Name | Get-MiniContainer (all) |').AppendLine('|---|---:|---:|---:|---:|')
    foreach ($r in $scale) { $null = $md.AppendLine(('| {0} | {1:0.00} | {2:0.00} | {3:0.00} | {4:0.00} |' -f $r.Present, $r.Create, $r.Start, $r.ByName, $r.All)) }
    $text = $md.ToString()
    if (-not $Quick) {
        New-Item -ItemType Directory -Force $ResultDirectory | Out-Null
        $file = Join-Path $ResultDirectory "$(Get-Date -Format 'yyyy-MM-dd-HHmm').md"
        Set-Content $file $text
        Write-Host "bench: written to $file"
    }
    $text
}
finally {
    if ($module) {
        Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false -ErrorAction Continue
        if ($helperCgroup) { $engine.Cgroups.Remove($helperCgroup) }
    }
    foreach ($rt in 'crun', 'runc') {
        foreach ($id in @(& $rt --root "$work/$rt-state" list -q 2>$null)) { & $rt --root "$work/$rt-state" delete -f $id 2>$null }
    }
    Remove-BenchCgroups
    $left = @(Get-Content /proc/self/mountinfo | Where-Object { $_ -like "*$work*" })
    if ($left) { Write-Warning "bench: mounts left under ${work}: $($left.Count)" }
    Remove-Item -Recurse -Force $work -ErrorAction Continue
}
