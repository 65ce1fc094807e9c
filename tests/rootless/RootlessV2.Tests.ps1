# Rootless on cgroup v2 WITH a delegated subtree (Invoke-RootlessV2Stage.ps1 runs this AS mdrootless inside the v2 VM,
# in a cgroup whose parent the admin chowned to it): limits are written and enforced as for root.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
}

Describe 'Rootless with a delegated cgroup v2 subtree' {
    It 'sees the delegation' {
        [int](id -u) | Should -Not -Be 0
        $info = Get-MiniSystemInfo
        $info.Mode | Should -Be 'rootless'
        $info.CgroupMode | Should -Be 'v2'
        $info.DelegatedControllers | Should -Contain 'memory'
        $info.DelegatedControllers | Should -Contain 'pids'
    }
    It 'writes -Memory and -PidsLimit into the container''s own cgroup, in the delegated subtree' {
        $c = New-MiniContainer $rootfs /bin/sleep, 1000 -Memory 48MB -PidsLimit 99 | Start-MiniContainer -PassThru
        try {
            $rel = ((Get-Content "/proc/$($c.Pid)/cgroup") -split '::', 2)[1]
            $dir = "/sys/fs/cgroup$rel"
            $rel | Should -BeLike "$env:MD_DELEGATED_CGROUP/*"
            (Get-Content "$dir/memory.max") | Should -Be ([string](48MB))
            (Get-Content "$dir/pids.max") | Should -Be '99'
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
    It 'is OOM-killed at its memory limit and reports OomKilled' {
        $c = New-MiniContainer $rootfs /bin/mdtest, memhog, 64 -Memory 32MB | Start-MiniContainer -PassThru
        try {
            $done = $c | Wait-MiniContainer
            $done.OomKilled | Should -BeTrue
            $done.ExitCode | Should -Be 137
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}
