# The automatic fuse-overlayfs fallback, run AS mdrootless in a session where the kernel refuses the native overlay
# mount: Invoke-RootlessSuite.ps1 starts it under `mdtest deny-mount 4`, a seccomp filter that fails mount(2) with
# exactly MS_NODEV (the native overlay's flags, and no other mount of a start) with EPERM, as kernels before 5.11 do.
# Nothing forces a mode here (MINIDOCKER_ROOTLESS_OVERLAY is unset): the engine must find out and fall back itself.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:uid = [int](id -u)
    $script:stateRoot = (Get-MiniSystemInfo).StateRoot
    function Get-Running { @(ps -u $uid -o pid=,ppid=,stat=,args= | Where-Object { $f = -split $_; [int]$f[1] -ne $PID -and $f[2] -notlike 'Z*' }) }
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Remove-Item Env:MINIDOCKER_ROOTLESS_OVERLAY, Env:MINIDOCKER_FUSE_OVERLAYFS -ErrorAction SilentlyContinue
}

Describe 'Rootless overlay where the kernel refuses it in a user namespace' {
    It 'is really refused here: forcing native fails with RootlessOverlayRefused (EPERM from the rootfs mount), and nothing runs' {
        $env:MINIDOCKER_ROOTLESS_OVERLAY = 'native'
        $c = New-MiniContainer $rootfs /bin/true
        try {
            $err = $null
            $before = Get-Running
            try { $c | Start-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'RootlessOverlayRefused,*'
            "$err" | Should -BeLike '*refused overlayfs in a user namespace (Operation not permitted)*MINIDOCKER_ROOTLESS_OVERLAY=native*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            @(Get-Running | Where-Object { $_ -notin $before }).Count | Should -Be 0
        }
        finally { Remove-Item Env:MINIDOCKER_ROOTLESS_OVERLAY; $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'starts the container on fuse-overlayfs by itself, its writes in the upper dir, and says so in Get-MiniSystemInfo' {
        $env:MINIDOCKER_ROOTLESS_OVERLAY | Should -BeNullOrEmpty
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'echo fell-back > /root/f; grep -c " / / .* - fuse.fuse-overlayfs " /proc/self/mountinfo'
        try {
            $out = @($c | Start-MiniContainer -Wait -Verbose 4>&1 2>&1 | ForEach-Object { "$_" })
            $out | Should -Contain '1'
            ($out -join "`n") | Should -Match 'overlayfs refused in the user namespace \(1\); starting again on fuse-overlayfs'
            Get-Content (Join-Path $stateRoot "containers/$($c.Id)/upper/root/f") | Should -Be 'fell-back'
            Test-Path (Join-Path $rootfs 'root/f') | Should -BeFalse
            (Get-MiniSystemInfo).RootlessOverlay | Should -Be 'fuse-overlayfs'
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
        # The next start goes straight to fuse-overlayfs (no refused attempt first).
        $d = New-MiniContainer $rootfs /bin/true
        try {
            $verbose = @($d | Start-MiniContainer -Wait -Verbose 4>&1 | ForEach-Object { "$_" })
            ($verbose -join "`n") | Should -Match 'fuseoverlay'
            ($verbose -join "`n") | Should -Not -Match 'overlayfs refused'
        }
        finally { $d | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'fails with RootlessOverlayUnsupported naming the refusal when fuse-overlayfs is missing, and leaves nothing behind' {
        $env:MINIDOCKER_FUSE_OVERLAYFS = '/nonexistent/fuse-overlayfs'
        $c = New-MiniContainer $rootfs /bin/true
        try {
            $err = $null
            $before = Get-Running
            try { $c | Start-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'RootlessOverlayUnsupported,*'
            $err.TargetObject.Name | Should -Be $c.Name
            "$err" | Should -BeLike '*refused overlayfs in a user namespace*'
            "$err" | Should -BeLike '*apt-get install fuse-overlayfs*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            @(Get-Running | Where-Object { $_ -notin $before }).Count | Should -Be 0
            Test-Path (Join-Path (Get-MiniSystemInfo).RunRoot "containers/$($c.Id)") | Should -BeFalse
        }
        finally { Remove-Item Env:MINIDOCKER_FUSE_OVERLAYFS; $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}
