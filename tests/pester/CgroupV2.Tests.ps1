# cgroup v2 behaviour with real containers on a real unified kernel. This project's machines are v1
# hybrid, so these run in the VM stage (tests/vm/Invoke-CgroupV2Stage.ps1, build.ps1 -Test -CgroupV2)
# and are skipped elsewhere.

BeforeDiscovery {
    $script:notV2 = (stat -f -c %T /sys/fs/cgroup) -ne 'cgroup2fs'
    if ($notV2) { Write-Host 'CgroupV2.Tests.ps1: skipped, /sys/fs/cgroup is not cgroup2 (run build.ps1 -Test -CgroupV2 for the VM stage).' }
}

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:mount = '/sys/fs/cgroup'
    # This process's v2 cgroup ("0::PATH"); under the VM harness a populated leaf, /stage/main.
    $script:own = (@(Get-Content /proc/self/cgroup) -match '^0::' | Select-Object -First 1).Substring(3)
    $script:callersParent = if ($own -eq '/') { '' } else { Split-Path $own -Parent }

    <# Where the engine must put parent P: absolute from the root, relative next to this process's cgroup. #>
    function Get-ExpectedParentDir([string]$Parent) {
        if ($Parent.StartsWith('/')) { "$mount$Parent" } else { "$mount$callersParent/$Parent" }
    }
    $script:suiteParent = Get-ExpectedParentDir $env:MINIDOCKER_CGROUP_PARENT

    function Read-CgroupFile([string]$Dir, [string]$File) { [IO.File]::ReadAllText((Join-Path $Dir $File)).Trim() }
    function Read-CgroupKey([string]$Dir, [string]$File, [string]$Key) {
        foreach ($line in (Read-CgroupFile $Dir $File) -split "`n") { $k, $v = $line -split ' '; if ($k -eq $Key) { return [long]$v } }
    }
    function Get-CgroupPid([string]$Dir) { @((Read-CgroupFile $Dir 'cgroup.procs') -split "`n" | Where-Object { $_ }) }
    <# A running container whose init prints "ready" and then waits (SIGTERM ignored: it is PID 1 without a handler). #>
    function Start-WaitingContainer([string]$Script = 'echo ready; while :; do sleep 0.05; done') {
        $c = New-MiniContainer $rootfs sh, -c, $Script -Name (New-TestName 'v2') | Start-MiniContainer -PassThru
        Wait-Until { (Get-MiniContainerLog -InputObject $c).Text -contains 'ready' } 60 | Should -BeTrue
        $c
    }
    <# A host process outside the container's PID namespace, then moved into its cgroup: only a whole-cgroup kill reaches it. #>
    function Start-EscapedProcess([string]$Leaf) {
        $p = Start-Process -FilePath sleep -ArgumentList 300 -PassThru
        [IO.File]::WriteAllText((Join-Path $Leaf 'cgroup.procs'), "$($p.Id)")
        Get-CgroupPid $Leaf | Should -Contain "$($p.Id)"
        $p
    }
}

Describe 'cgroup v2: where a container''s cgroup lives' -Skip:$notV2 {
    It 'runs the init in a populated v2 leaf next to the caller''s cgroup, with cpu, memory and pids delegated' {
        $c = Start-WaitingContainer
        $leaf = "$suiteParent/$($c.Id)"
        (Get-ContainerRecord $c).CgroupPaths | Should -Be @($leaf)
        Get-CgroupPid $leaf | Should -Contain "$($c.Pid)"
        (Get-Content "/proc/$($c.Pid)/cgroup") | Should -Be "0::$($leaf.Substring($mount.Length))"
        Read-CgroupKey $leaf 'cgroup.events' 'populated' | Should -Be 1
        @(Get-ChildItem $leaf -Directory) | Should -BeNullOrEmpty
        (Read-CgroupFile $suiteParent 'cgroup.subtree_control') -split ' ' | Should -Contain 'memory'
        foreach ($controller in 'cpu', 'memory', 'pids') { (Read-CgroupFile $leaf 'cgroup.controllers') -split ' ' | Should -Contain $controller }
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'writes the default limits: pids.max 4096, memory.max and cpu.max unlimited' {
        $c = Start-WaitingContainer
        $leaf = (Get-ContainerRecord $c).CgroupPaths[0]
        Read-CgroupFile $leaf 'pids.max' | Should -Be '4096'
        Read-CgroupFile $leaf 'memory.max' | Should -Be 'max'
        Read-CgroupFile $leaf 'cpu.max' | Should -Be 'max 100000'
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'uses a sibling "minidocker" by default, since the caller''s own cgroup has processes' {
        $saved = $env:MINIDOCKER_CGROUP_PARENT
        $env:MINIDOCKER_CGROUP_PARENT = $null
        try {
            $default = Get-ExpectedParentDir 'minidocker'
            $existed = Test-Path $default
            $c = Start-WaitingContainer
            (Get-ContainerRecord $c).CgroupPaths | Should -Be @("$default/$($c.Id)")
            Get-CgroupPid "$mount$own" | Should -Not -BeNullOrEmpty   # the caller's cgroup really has processes
            Remove-MiniContainer -InputObject $c -Force
            "$default/$($c.Id)" | Should -Not -Exist
            if (-not $existed) { $default | Should -Not -Exist }
        } finally { $env:MINIDOCKER_CGROUP_PARENT = $saved }
    }

    It 'refuses a parent that has processes of its own with CgroupDelegationFailed (<What>), leaving nothing' -ForEach @(
        @{ What = 'the caller''s own cgroup'; Busy = $false },
        @{ What = 'a cgroup holding another process'; Busy = $true }
    ) {
        $saved = $env:MINIDOCKER_CGROUP_PARENT
        $busyDir = $null; $p = $null
        try {
            if ($Busy) {
                $busyDir = Get-ExpectedParentDir (New-TestName 'busy')
                New-Item -ItemType Directory $busyDir | Out-Null
                $p = Start-Process -FilePath sleep -ArgumentList 300 -PassThru
                [IO.File]::WriteAllText("$busyDir/cgroup.procs", "$($p.Id)")
                $env:MINIDOCKER_CGROUP_PARENT = $busyDir.Substring($mount.Length)
            } else {
                $env:MINIDOCKER_CGROUP_PARENT = $own
            }
            $target = "$mount$env:MINIDOCKER_CGROUP_PARENT"
            $c = New-MiniContainer $rootfs sleep, 30 -Name (New-TestName 'v2')
            $out = Start-MiniContainer -InputObject $c -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CgroupDelegationFailed*'
            $err[0].Exception.Message | Should -Match ([regex]::Escape("$target/cgroup.subtree_control"))
            $err[0].Exception.Message | Should -Match 'MINIDOCKER_CGROUP_PARENT'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            "$target/$($c.Id)" | Should -Not -Exist
            Remove-MiniContainer -InputObject $c
        } finally {
            $env:MINIDOCKER_CGROUP_PARENT = $saved
            if ($p) { Stop-Process -InputObject $p -Force; $p.WaitForExit() }
            if ($busyDir) { Wait-Until { (Get-CgroupPid $busyDir).Count -eq 0 } | Out-Null; [IO.Directory]::Delete($busyDir) }
        }
    }
}

Describe 'cgroup v2: the kernel acts on the container''s cgroup' -Skip:$notV2 {
    It 'writes -Memory to memory.max (no swap), counts the OOM kill in memory.events and reports OomKilled' {
        $c = New-MiniContainer $rootfs /bin/mdtest, memhog, 64 -Memory 32MB -Name (New-TestName 'v2') | Start-MiniContainer -PassThru
        $leaf = (Get-ContainerRecord $c).CgroupPaths[0]
        # Nothing has reconciled the container yet, so its cgroup and the kernel's counts are still there.
        Wait-Until { (Read-CgroupKey $leaf 'memory.events' 'oom_kill') -ge 1 } 60 | Should -BeTrue
        Read-CgroupFile $leaf 'memory.max' | Should -Be "$(32MB)"
        if (Test-Path "$leaf/memory.swap.max") { Read-CgroupFile $leaf 'memory.swap.max' | Should -Be '0' }
        Read-CgroupKey $leaf 'memory.events' 'max' | Should -BeGreaterThan 0
        $done = Wait-MiniContainer -InputObject $c -Timeout 60
        $done.OomKilled | Should -BeTrue
        $done.ExitCode | Should -Be 137
        $leaf | Should -Not -Exist
        Remove-MiniContainer -InputObject $c
    }

    It 'freezes with cgroup.freeze until cgroup.events says frozen, and thaws' {
        $c = Start-WaitingContainer
        $leaf = (Get-ContainerRecord $c).CgroupPaths[0]
        Suspend-MiniContainer -InputObject $c
        Read-CgroupFile $leaf 'cgroup.freeze' | Should -Be '1'
        Read-CgroupKey $leaf 'cgroup.events' 'frozen' | Should -Be 1
        Resume-MiniContainer -InputObject $c
        Read-CgroupFile $leaf 'cgroup.freeze' | Should -Be '0'
        Wait-Until { (Read-CgroupKey $leaf 'cgroup.events' 'frozen') -eq 0 } 30 | Should -BeTrue   # thawing is not waited for
        Remove-MiniContainer -InputObject $c -Force
    }

    It 'kills the whole cgroup on stop: a process outside the init''s PID namespace is gone too' {
        $c = Start-WaitingContainer 'sleep 300 & echo ready; while :; do sleep 0.05; done'
        $leaf = (Get-ContainerRecord $c).CgroupPaths[0]
        $p = Start-EscapedProcess $leaf
        $stopped = Stop-MiniContainer -InputObject $c -Timeout 1 -PassThru
        $stopped.ExitCode | Should -Be 137
        Wait-Until { $p.HasExited } 30 | Should -BeTrue
        $leaf | Should -Not -Exist
        Remove-MiniContainer -InputObject $c
    }

    It 'kills what the init left behind when the init exits on its own' {
        $c = Start-WaitingContainer 'trap "exit 143" TERM; echo ready; while :; do sleep 0.05; done'
        $leaf = (Get-ContainerRecord $c).CgroupPaths[0]
        $p = Start-EscapedProcess $leaf
        (Stop-MiniContainer -InputObject $c -Timeout 30 -PassThru).ExitCode | Should -Be 143
        Wait-Until { $p.HasExited } 30 | Should -BeTrue
        $leaf | Should -Not -Exist
        Remove-MiniContainer -InputObject $c
    }

    It 'leaves no cgroup after remove, and removes the shared parent with the last container' {
        $cs = 1..3 | ForEach-Object { Start-WaitingContainer }
        $leaves = $cs | ForEach-Object { (Get-ContainerRecord $_).CgroupPaths[0] }
        @(Get-ChildItem $suiteParent -Directory).Count | Should -Be 3
        $cs | Remove-MiniContainer -Force
        foreach ($leaf in $leaves) { $leaf | Should -Not -Exist }
        $suiteParent | Should -Not -Exist
    }
}
