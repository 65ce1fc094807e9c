# The rootless fuse-overlayfs fallback, run AS mdrootless (Invoke-RootlessSuite.ps1 starts it through runuser). This
# kernel lets overlayfs be mounted in a user namespace, so MINIDOCKER_ROOTLESS_OVERLAY=fuse-overlayfs forces the
# fallback the engine takes where the kernel refuses it. Proven: copy-on-write into the container's upper dir, the
# daemon in the container's user and mount namespaces but not its PID namespace, nothing left after Stop/Remove or a
# kill -9 of the monitor, and the errors when fuse-overlayfs cannot be had.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:uid = [int](id -u)
    $script:user = (id -un)
    $script:subuid = [long]((Get-Content /etc/subuid | Where-Object { $_ -like "${user}:*" } | Select-Object -First 1) -split ':')[1]
    $script:scratch = (Resolve-Path (Join-Path $env:XDG_DATA_HOME '..')).Path
    $script:stateRoot = (Get-MiniSystemInfo).StateRoot
    $env:MINIDOCKER_ROOTLESS_OVERLAY = 'fuse-overlayfs'
    # The container's fuse-overlayfs: a child of its monitor (the monitor's other children are the init and, with -Network pasta, pasta).
    function Get-FuseDaemon($Container) { @(pgrep -u $uid -P $Container.MonitorPid -x fuse-overlayfs) }
    # Running: a process that exists and is not a zombie (this machine's PID 1 may be slow to reap what it inherits).
    function Test-Running([int]$ProcessId) {
        $stat = Get-Content "/proc/$ProcessId/stat" -Raw -ErrorAction SilentlyContinue
        $stat -and ($stat.Substring($stat.LastIndexOf(')') + 2, 1) -ne 'Z')
    }
    function Wait-Gone([int]$ProcessId) {
        $deadline = (Get-Date).AddSeconds(10)
        while ((Test-Running $ProcessId) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
        Test-Running $ProcessId | Should -BeFalse -Because "process $ProcessId must be gone"
    }
    # This user's processes that are running (not zombies) and are not this pwsh's children.
    function Get-Running { @(ps -u $uid -o pid=,ppid=,stat=,args= | Where-Object { $f = -split $_; [int]$f[1] -ne $PID -and $f[2] -notlike 'Z*' }) }
    function Get-ContainerDir($Container) { Join-Path $stateRoot "containers/$($Container.Id)" }
    # An image of the test rootfs: its one layer is the "image's layer" the writes must not reach.
    $tar = Join-Path $scratch 'fuse-image.tar'
    tar -C $rootfs -cf $tar .
    Import-MiniImage $tar -Name rootless/fuse | Out-Null
    $script:layer = @(Get-ChildItem -Force (Join-Path $stateRoot 'layers') | Where-Object { Test-Path (Join-Path $_.FullName 'bin') })[0].FullName
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Get-MiniImage | Where-Object { "$($_.Name)" -like '*rootless/fuse*' } | Remove-MiniImage -Force -Confirm:$false
    Remove-Item Env:MINIDOCKER_ROOTLESS_OVERLAY, Env:MINIDOCKER_FUSE_OVERLAYFS -ErrorAction SilentlyContinue
}

Describe 'Rootless rootfs on fuse-overlayfs' {
    It 'says which overlay is in use: fuse-overlayfs when forced, native when the kernel allows it' {
        $info = Get-MiniSystemInfo
        $info.RootlessOverlay | Should -Be 'fuse-overlayfs'
        $info.FuseOverlayFs | Should -Be '/usr/bin/fuse-overlayfs'
        $env:MINIDOCKER_ROOTLESS_OVERLAY = ''
        try { (Get-MiniSystemInfo).RootlessOverlay | Should -Be 'native' }
        finally { $env:MINIDOCKER_ROOTLESS_OVERLAY = 'fuse-overlayfs' }
    }

    It 'writes into the container''s upper dir, never the image''s layer, and a second container does not see it' {
        $c = New-MiniContainer -Image rootless/fuse -Command /bin/sh, -c, 'echo fuse-write > /etc/written; rm /bin/true; chown 100:101 /etc/written; grep -c " / / .* - fuse.fuse-overlayfs " /proc/self/mountinfo; cat /etc/written'
        try {
            $out = @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" })
            $out | Should -Be @('1', 'fuse-write')
            $upper = Join-Path (Get-ContainerDir $c) 'upper'
            Get-Content (Join-Path $upper 'etc/written') | Should -Be 'fuse-write'
            # Container id 100 is subordinate id START+99, as with native overlay.
            (stat -c '%u' (Join-Path $upper 'etc/written')) | Should -Be "$($subuid + 99)"
            # The deletion is a whiteout in the upper dir (char 0/0), the layer keeps the file.
            (stat -c '%F %t:%T' (Join-Path $upper 'bin/true')) | Should -Be 'character special file 0:0'
            Test-Path (Join-Path $layer 'etc/written') | Should -BeFalse
            Test-Path (Join-Path $layer 'bin/true') | Should -BeTrue
            $second = New-MiniContainer -Image rootless/fuse -Command /bin/sh, -c, 'cat /etc/written 2>&1; ls /bin/true'
            try { @($second | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) | Should -Be @('cat: can''t open ''/etc/written'': No such file or directory', '/bin/true') }
            finally { $second | Remove-MiniContainer -Force -Confirm:$false }
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'runs the daemon in the container''s user and mount namespaces but not its PID namespace, and nothing is left after Stop and Remove' {
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'echo up > /tmp/up; exec sleep 1000' | Start-MiniContainer -PassThru
        try {
            $daemon = @(Get-FuseDaemon $c)
            $daemon.Count | Should -Be 1
            $mnt = (Invoke-MiniContainer $c.Name -Command readlink, /proc/self/ns/mnt | Out-String).Trim()
            $userns = (Invoke-MiniContainer $c.Name -Command readlink, /proc/self/ns/user | Out-String).Trim()
            $mnt | Should -Match '^mnt:\['
            (readlink "/proc/$($daemon[0])/ns/mnt") | Should -Be $mnt
            (readlink "/proc/$($daemon[0])/ns/user") | Should -Be $userns
            (readlink "/proc/$($daemon[0])/ns/pid") | Should -Be (readlink /proc/self/ns/pid)
            # Inside: only the container's own processes, no fuse-overlayfs; its root is the FUSE mount.
            $ps = Invoke-MiniContainer $c.Name -Command ps, -o, 'pid,args' | Out-String
            $ps | Should -Match 'sleep 1000'
            $ps | Should -Not -Match 'fuse-overlayfs'
            (Invoke-MiniContainer $c.Name -Command cat, /proc/self/mountinfo | Select-String ' / / ' | Out-String) | Should -Match 'fuse\.fuse-overlayfs'
            # The host never sees the mount: it lives in the container's mount namespace only.
            (Get-Content /proc/self/mountinfo -Raw) | Should -Not -Match 'fuse-overlayfs'
            $c | Stop-MiniContainer -Timeout 1 | Out-Null
            Wait-Gone $daemon[0]
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Exited'
            $dir = Get-ContainerDir $c
            Get-Content (Join-Path $dir 'upper/tmp/up') | Should -Be 'up'
            $c | Remove-MiniContainer -Confirm:$false
            Test-Path $dir | Should -BeFalse
        }
        finally { Get-MiniContainer -Id $c.Id -ErrorAction SilentlyContinue | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'keeps the daemon''s own paths off the mount it serves after pivot_root (touch -h of a symlink, chmod, rename)' {
        # fuse-overlayfs reaches some files through /proc/self/fd and its upper dir's path: with the container's
        # root as its own, those lookups would go through its own mount and the container's /proc.
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'ln -s /etc/passwd /tmp/l && touch -h -d 2001-01-01 /tmp/l && chmod 600 /etc/os-release && mv /etc/os-release /etc/h2 && stat -c "%a" /etc/h2 && echo done'
        try { @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) | Should -Be @('600', 'done') }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'refuses Copy-MiniContainerItem into a running container with CopyNeedsStoppedContainer, and copies once it is stopped' {
        $c = New-MiniContainer $rootfs /bin/sleep, 1000 | Start-MiniContainer -PassThru
        try {
            $file = Join-Path $scratch 'copy-in.txt'
            Set-Content $file 'copied'
            $err = $null
            try { Copy-MiniContainerItem $c.Name -Path $file -Destination /tmp/copy-in.txt -ToContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'CopyNeedsStoppedContainer,*'
            "$err" | Should -BeLike '*fuse-overlayfs*'
            $c | Stop-MiniContainer -Timeout 0 | Out-Null
            Copy-MiniContainerItem $c.Name -Path $file -Destination /tmp/copy-in.txt -ToContainer
            Get-Content (Join-Path (Get-ContainerDir $c) 'upper/tmp/copy-in.txt') | Should -Be 'copied'
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'leaves no daemon when the monitor is killed -9, and Stop then cleans the rest' {
        $c = New-MiniContainer $rootfs /bin/sleep, 1000 | Start-MiniContainer -PassThru
        try {
            $daemon = @(Get-FuseDaemon $c)
            $daemon.Count | Should -Be 1
            kill -9 $c.MonitorPid
            Wait-Gone $daemon[0]
            $c | Stop-MiniContainer -Timeout 1 | Out-Null
            Wait-Gone $c.Pid
            @(pgrep -u $uid -x fuse-overlayfs | Where-Object { Test-Running $_ }).Count | Should -Be 0
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}

Describe 'Rootless fuse-overlayfs errors' {
    It 'fails with RootlessOverlayUnsupported when fuse-overlayfs is missing, and leaves nothing behind' {
        $env:MINIDOCKER_FUSE_OVERLAYFS = '/nonexistent/fuse-overlayfs'
        $c = New-MiniContainer $rootfs /bin/true
        try {
            $err = $null
            $before = Get-Running
            try { $c | Start-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'RootlessOverlayUnsupported,*'
            $err.TargetObject.Name | Should -Be $c.Name
            "$err" | Should -BeLike '*apt-get install fuse-overlayfs*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            @(Get-Running | Where-Object { $_ -notin $before }).Count | Should -Be 0 -Because 'no monitor, init or daemon may be left'
            Test-Path (Join-Path (Get-MiniSystemInfo).RunRoot "containers/$($c.Id)") | Should -BeFalse
            (Get-MiniSystemInfo).RootlessOverlay | Should -Be 'none'
        }
        finally { Remove-Item Env:MINIDOCKER_FUSE_OVERLAYFS; $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'fails with FuseOverlayFsFailed, quoting it, when the daemon exits without mounting, and leaves nothing behind' {
        # A stand-in that refuses as fuse-overlayfs does (a message on stderr, exit 1) after the helper exec'd it.
        $fake = Join-Path $scratch 'fake-fuse-overlayfs'
        Set-Content $fake "#!/bin/sh`necho 'fuse: device not found, try modprobe fuse first' >&2`nexit 1"
        chmod 755 $fake
        $env:MINIDOCKER_FUSE_OVERLAYFS = $fake
        $c = New-MiniContainer $rootfs /bin/true
        try {
            $err = $null
            $before = Get-Running
            try { $c | Start-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'FuseOverlayFsFailed,*'
            $err.TargetObject.Name | Should -Be $c.Name
            "$err" | Should -BeLike '*fuse: device not found, try modprobe fuse first*'
            (Get-MiniContainer -Id $c.Id).State | Should -Be 'Created'
            @(Get-Running | Where-Object { $_ -notin $before }).Count | Should -Be 0 -Because 'no monitor, init or daemon may be left'
            Test-Path (Join-Path (Get-MiniSystemInfo).RunRoot "containers/$($c.Id)") | Should -BeFalse
        }
        finally { Remove-Item Env:MINIDOCKER_FUSE_OVERLAYFS; $c | Remove-MiniContainer -Force -Confirm:$false }
    }

    It 'refuses an unknown MINIDOCKER_ROOTLESS_OVERLAY with InvalidRootlessOverlay' {
        $env:MINIDOCKER_ROOTLESS_OVERLAY = 'aufs'
        $c = New-MiniContainer $rootfs /bin/true
        try {
            $err = $null
            try { $c | Start-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidRootlessOverlay,*'
            "$err" | Should -BeLike '*native*fuse-overlayfs*'
        }
        finally { $env:MINIDOCKER_ROOTLESS_OVERLAY = 'fuse-overlayfs'; $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}
