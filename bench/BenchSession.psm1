# What every bench script shares: a throw-away MiniDocker session and one way to summarise timings.

<#
.SYNOPSIS
    Prepares a bench run as root: its own state root, run root and cgroup parent (nested under this
    process's own cgroup), the built module imported. Returns BuildOutput, Work, RootFs and Helper.
    The caller removes Work (and its containers) when done.
#>
function Enter-BenchSession {
    param(
        [Parameter(Mandatory)][string]$Name,
        [Parameter(Mandatory)][string]$BuildOutput
    )
    $env:POWERSHELL_TELEMETRY_OPTOUT = '1'
    $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
    if ((id -u) -ne 0) { throw "bench/$Name.ps1 creates cgroups and runs containers: run it as root." }
    $BuildOutput = (Resolve-Path $BuildOutput).Path
    $work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-bench-$Name-$PID"
    $env:MINIDOCKER_ROOT = Join-Path $work 'state'
    $env:MINIDOCKER_RUN_ROOT = Join-Path $work 'run'
    $env:MINIDOCKER_CGROUP_PARENT = "minidocker-bench-$PID"   # relative: nested under this process's own cgroup
    $env:MINIDOCKER_DEFAULT_NETWORK = 'none'   # the peers run without a network, and a bench runs in the machine's own netns
    Import-Module (Join-Path $BuildOutput 'MiniDocker/MiniDocker.psd1') -Force -Global
    $rootfs = Join-Path $BuildOutput 'rootfs'
    if (-not (Test-Path (Join-Path $rootfs 'bin/mdtest'))) { throw "No test rootfs at ${rootfs}: run build.ps1 -Output $BuildOutput first." }
    [pscustomobject]@{ BuildOutput = $BuildOutput; Work = $work; RootFs = $rootfs; Helper = [MiniDocker.Engine.EngineOptions]::new().HelperPath }
}

<# Median (the mean of the middle two for an even count) and 90th percentile (nearest rank) of MS. #>
function Get-BenchStats([double[]]$Ms) {
    $s = @($Ms | Sort-Object)
    $median = if ($s.Count % 2) { $s[($s.Count - 1) / 2] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 }
    $p90 = $s[[Math]::Min($s.Count - 1, [int][Math]::Ceiling(0.9 * $s.Count) - 1)]
    [pscustomobject]@{ Median = $median; P90 = $p90; N = $s.Count }
}

<# One table row: the case's median and 90th percentile in milliseconds, rounded. #>
function ConvertTo-BenchRow([string]$Case, [double[]]$Ms) {
    $st = Get-BenchStats $Ms
    [pscustomobject]@{ Case = $Case; MedianMs = [Math]::Round($st.Median, 2); P90Ms = [Math]::Round($st.P90, 2); Runs = $st.N }
}

<# Runs BODY once to warm up (JIT, first cgroup parent), then ITERATIONS times under a stopwatch. #>
function Measure-Case([string]$Name, [int]$Iterations, [scriptblock]$Body) {
    & $Body | Out-Null
    $ms = foreach ($i in 1..$Iterations) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $Body | Out-Null
        $sw.Elapsed.TotalMilliseconds
    }
    ConvertTo-BenchRow $Name $ms
}

<#
.SYNOPSIS
    An OCI config.json object doing what PLAN (the launch plan ContainerPlan.Build made for CONTAINER, a
    default container) does: its mounts, masked and read-only paths, capabilities, no_new_privs, rlimits,
    seccomp filter (the same rules, so the two cannot drift), environment and hostname, the same namespaces
    (with a cgroup namespace, as the helper's init makes), and the container's limits and device allow list
    in cgroup CGROUPSPATH. The rootfs is BUNDLE/rootfs, where bench/ocipeer.c mounts a fresh overlay per run.
    A directive it does not know is an error: a new default must show up in the peer too, not be dropped.
#>
function ConvertTo-OciConfig {
    param(
        [Parameter(Mandatory)]$Plan,
        [Parameter(Mandatory)]$Container,
        [Parameter(Mandatory)][string]$CgroupsPath
    )
    $flagNames = @(@(1, 'ro'), @(2, 'nosuid'), @(4, 'nodev'), @(8, 'noexec'), @((1 -shl 24), 'strictatime'))
    $rlimitNames = @('RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE', 'RLIMIT_RSS', 'RLIMIT_NPROC', 'RLIMIT_NOFILE',
        'RLIMIT_MEMLOCK', 'RLIMIT_AS', 'RLIMIT_LOCKS', 'RLIMIT_SIGPENDING', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_RTPRIO', 'RLIMIT_RTTIME')
    $capNames = { param($hex) $m = [Convert]::ToUInt64($hex, 16); @(for ($i = 0; $i -lt 64; $i++) { if ($m -band (1uL -shl $i)) { 'CAP_' + [MiniDocker.Engine.Security.Capabilities]::Names[$i] } }) }
    $ociAction = {
        param($a)
        if ($a -eq 'allow') { @{ action = 'SCMP_ACT_ALLOW' } }
        elseif ($a -match '^errno:(\d+)$') { @{ action = 'SCMP_ACT_ERRNO'; errnoRet = [int]$Matches[1] } }
        elseif ($a -eq 'kill') { @{ action = 'SCMP_ACT_KILL' } } elseif ($a -eq 'kill_process') { @{ action = 'SCMP_ACT_KILL_PROCESS' } }
        elseif ($a -eq 'trap') { @{ action = 'SCMP_ACT_TRAP' } } elseif ($a -eq 'log') { @{ action = 'SCMP_ACT_LOG' } }
        else { throw "ConvertTo-OciConfig: seccomp action '$a' has no OCI counterpart" }
    }
    $ops = @{ ne = 'SCMP_CMP_NE'; lt = 'SCMP_CMP_LT'; le = 'SCMP_CMP_LE'; eq = 'SCMP_CMP_EQ'; ge = 'SCMP_CMP_GE'; gt = 'SCMP_CMP_GT'; masked_eq = 'SCMP_CMP_MASKED_EQ' }
    $mounts = [Collections.Generic.List[object]]::new(); $masked = [Collections.Generic.List[string]]::new(); $readonly = [Collections.Generic.List[string]]::new()
    $env = [Collections.Generic.List[string]]::new(); $args_ = [Collections.Generic.List[string]]::new(); $rlimits = [Collections.Generic.List[object]]::new()
    $allowed = [Collections.Generic.List[string]]::new(); $rules = [Collections.Generic.List[object]]::new()
    $process = [ordered]@{ terminal = $false; user = [ordered]@{ uid = 0; gid = 0 }; cwd = '/'; noNewPrivileges = $false }
    $seccomp = $null; $hostname = ''; $loopback = $false
    foreach ($d in $Plan.Directives) {
        switch ($d[0]) {
            'hostname' { $hostname = $d[1] }
            'mount' {
                $flags = [uint64]$d[4]
                # The overlay is ocipeer's; binds and remounts are the default devices in /dev, which crun and runc make themselves.
                if ($d[3] -in '', 'overlay') { if ($d[2] -notlike 'rootfs/dev/*' -and $d[2] -notin 'rootfs', 'rootfs/dev') { throw "ConvertTo-OciConfig: mount $($d -join ' ')" }; break }
                $opts = @(foreach ($f in $flagNames) { if ($flags -band $f[0]) { $flags = $flags -band -bnot [uint64]$f[0]; $f[1] } }) + @($d[5] -split ',' | Where-Object { $_ })
                if ($flags) { throw "ConvertTo-OciConfig: mount flags $flags of $($d[2])" }
                $mounts.Add([ordered]@{ destination = $d[2].Substring('rootfs'.Length); type = $d[3]; source = $d[1]; options = $opts })
            }
            'mknod' { if ($d[1] -notlike 'rootfs/dev/*' -or $d[2] -ne '20666') { throw "ConvertTo-OciConfig: mknod $($d -join ' ')" } }
            'symlink' { if ($d[2] -notlike 'rootfs/dev/*') { throw "ConvertTo-OciConfig: symlink $($d -join ' ')" } }
            'mask' { $masked.Add($d[1]) }
            'readonly' { $readonly.Add($d[1]) }
            'loopback' { $loopback = $true }   # a new network namespace with lo up: what crun and runc do
            'rlimit' { $rlimits.Add([ordered]@{ type = $rlimitNames[[int]$d[1]]; hard = [uint64]$d[3]; soft = [uint64]$d[2] }) }
            'nnp' { $process.noNewPrivileges = $true }
            'caps' { $process.capabilities = [ordered]@{ bounding = & $capNames $d[3]; effective = & $capNames $d[1]; permitted = & $capNames $d[2] } }
            'user' { throw 'ConvertTo-OciConfig: a default container runs as root' }
            'seccomp' {
                $def = & $ociAction $d[1]
                $seccomp = [ordered]@{ defaultAction = $def.action }
                if ($def.errnoRet) { $seccomp.defaultErrnoRet = $def.errnoRet }
                # The helper filters the native ABI and its compat ABIs.
                $seccomp.architectures = if ([Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { @('SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM') } else { @('SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32') }
            }
            'syscall' {
                if ($d[2] -eq 'allow' -and -not $d[3]) { $allowed.Add($d[1]); break }
                $rule = [ordered]@{ names = @($d[1]) }
                foreach ($kv in (& $ociAction $d[2]).GetEnumerator()) { $rule[$kv.Key] = $kv.Value }
                if ($d[3]) {
                    $rule.args = @(foreach ($c in $d[3] -split ',') {
                            $i, $op, $v, $v2 = $c -split ':'
                            [ordered]@{ index = [int]$i; value = [uint64]$v; valueTwo = [uint64]$v2; op = $ops[$op] }
                        })
                }
                $rules.Add($rule)
            }
            'env' { $env.Add($d[1]) }
            'cwd' { $process.cwd = $d[1] }
            'arg' { $args_.Add($d[1]) }
            { $_ -in 'version', 'cgroup', 'log', 'exitfile', 'chdir', 'pivot' } { }   # the runtime's own business (cgroups: below)
            default { throw "ConvertTo-OciConfig: plan directive '$($d[0])' has no counterpart in the peer's config" }
        }
    }
    if (-not $loopback) { throw 'ConvertTo-OciConfig: the plan has no loopback (a default container has its own network namespace)' }
    if ($seccomp) { $seccomp.syscalls = @([ordered]@{ names = $allowed.ToArray(); action = 'SCMP_ACT_ALLOW' }) + $rules.ToArray() }
    $process.args = $args_.ToArray(); $process.env = $env.ToArray(); $process.rlimits = $rlimits.ToArray()
    $devices = @([ordered]@{ allow = $false; access = 'rwm' }) + @(foreach ($r in [MiniDocker.Engine.Cgroups.DevicePolicy]::For($Container)) {
            $e = [ordered]@{ allow = $true; type = [string]$r.Type; access = $r.Access }
            if ($null -ne $r.Major) { $e.major = $r.Major }
            if ($null -ne $r.Minor) { $e.minor = $r.Minor }
            $e
        })
    $resources = [ordered]@{ devices = $devices }
    $l = $Container.Limits
    if ($null -ne $l.PidsLimit) { $resources.pids = @{ limit = $l.PidsLimit } }
    if ($null -ne $l.MemoryBytes -or $null -ne $l.Cpus -or $null -ne $l.CpuShares -or $l.CpusetCpus) { throw 'ConvertTo-OciConfig: only the default limits (pids) are translated' }
    $linux = [ordered]@{
        cgroupsPath = $CgroupsPath; resources = $resources
        namespaces = @('pid', 'network', 'ipc', 'uts', 'mount', 'cgroup' | ForEach-Object { @{ type = $_ } })
        maskedPaths = $masked.ToArray(); readonlyPaths = $readonly.ToArray()
    }
    if ($seccomp) { $linux.seccomp = $seccomp }
    [ordered]@{ ociVersion = '1.0.2'; process = $process; root = [ordered]@{ path = 'rootfs'; readonly = $false }; hostname = $hostname; mounts = $mounts.ToArray(); linux = $linux }
}

Export-ModuleMember -Function Enter-BenchSession, Get-BenchStats, ConvertTo-BenchRow, Measure-Case, ConvertTo-OciConfig
