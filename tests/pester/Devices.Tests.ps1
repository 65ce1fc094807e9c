# Host devices through volumes (issue 10, hole 3): the device cgroup (v1 devices controller, v2 BPF
# program), -Device, -Privileged, and nosuid volumes. Each attack is run for real: a container with
# CAP_MKNOD makes a node for the host's /dev/kmsg or a block device in a volume and tries to use it.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:scratch = Join-Path ([IO.Path]::GetTempPath()) ("minidocker-devices-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    # Volume sources on mounts of their own, so the test does not depend on where /tmp lives: one like an
    # ordinary host disk (dev, suid), one a host mount that is nodev and noexec.
    $script:vol = Join-Path $scratch 'vol'
    $script:locked = Join-Path $scratch 'locked'
    New-Item -ItemType Directory $vol, $locked | Out-Null
    mount -t tmpfs -o size=16m,mode=755 minidocker-test-vol $vol
    if ($LASTEXITCODE) { throw "mount tmpfs on $vol failed" }
    mount -t tmpfs -o size=1m,nodev,noexec minidocker-test-locked $locked
    if ($LASTEXITCODE) { throw "mount tmpfs on $locked failed" }

    # A block device of this host as MAJOR:MINOR: a loop device when there is one, since some kernels refuse to
    # open the disk holding / from any container (EPERM) for reasons of their own, which would prove nothing here.
    $script:block = Get-ChildItem /sys/class/block -ErrorAction SilentlyContinue | Sort-Object { $_.Name -notlike 'loop*' }, Name |
        ForEach-Object { Get-Content (Join-Path $_.FullName 'dev') -ErrorAction SilentlyContinue } | Select-Object -First 1
    $script:blockNode = if ($block) { (Get-Content "/sys/dev/block/$block/uevent" | Where-Object { $_ -like 'DEVNAME=*' }) -replace '^DEVNAME=', '/dev/' }
    if ($blockNode -and -not (Test-Path $blockNode)) { $script:blockNode = $null }
    # Whether TEXT reached the host's kernel log.
    function Test-KernelLog([string]$Text) { [bool](dmesg 2>$null | Select-String -SimpleMatch $Text) }
}

AfterAll {
    # One argument each (pwsh handed '$vol, $locked' to umount as the literal text '$vol,': every run left both mounted).
    foreach ($m in $vol, $locked) { umount $m 2>$null }
    Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue
}

Describe 'The device cgroup' {
    It 'keeps the host''s kernel log out of reach of a node made in a volume (mknod c 1 11)' {
        $marker = 'minidocker-kmsg-' + [guid]::NewGuid().ToString('n')
        $r = Invoke-TestContainer -Options @{ Volume = "${vol}:/vol" } -Command sh, -c,
            "exec 2>&1; mknod /vol/kmsg c 1 11 && echo mknod-ok; echo $marker > /vol/kmsg && echo write-ok; (: < /vol/kmsg) && echo read-ok; rm -f /vol/kmsg"
        $r.Output | Should -Contain 'mknod-ok'     # as in Docker: making a node is allowed, using it is not
        $r.Output | Should -Not -Contain 'write-ok'
        $r.Output | Should -Not -Contain 'read-ok'
        @($r.Output | Where-Object { $_ -match 'Operation not permitted' }).Count | Should -Be 2
        Test-KernelLog $marker | Should -BeFalse
    }

    It 'keeps the host''s block devices out of reach (mknod b MAJOR MINOR in a volume)' {
        if (-not $block) { Set-ItResult -Skipped -Because 'this host has no block device'; return }
        $maj, $min = $block -split ':'
        $r = Invoke-TestContainer -Options @{ Volume = "${vol}:/vol" } -Command sh, -c,
            "exec 2>&1; mknod /vol/disk b $maj $min && echo mknod-ok; (: < /vol/disk) && echo read-ok; rm -f /vol/disk"
        $r.Output | Should -Contain 'mknod-ok'
        $r.Output | Should -Not -Contain 'read-ok'
        $r.Output -join "`n" | Should -Match 'Operation not permitted'
    }

    It 'binds exec''d processes too' {
        $name = New-TestName 'dev'
        $c = New-MiniContainer $rootfs sleep, 300 -Name $name -Volume "${vol}:/vol" | Start-MiniContainer -PassThru
        try {
            $marker = 'minidocker-kmsg-exec-' + [guid]::NewGuid().ToString('n')
            $out = @(Invoke-MiniContainer -InputObject $c -Command sh, -c, "exec 2>&1; mknod /vol/kmsg2 c 1 11; echo $marker > /vol/kmsg2 && echo write-ok; rm -f /vol/kmsg2")
            $out | Should -Not -Contain 'write-ok'
            $out -join "`n" | Should -Match 'Operation not permitted'
            Test-KernelLog $marker | Should -BeFalse
            Invoke-MiniContainer -InputObject $c -Command sh, -c, 'echo hi > /dev/null && echo null-ok' | Should -Be 'null-ok'
        } finally { Remove-MiniContainer -InputObject $c -Force -Confirm:$false }
    }

    It 'still lets the container use its own devices and ptys' {
        $r = Invoke-TestContainer -Command sh, -c, 'exec 2>&1; for d in null zero full random urandom; do (: < /dev/$d) && echo $d-ok; done; head -c 4 /dev/urandom | wc -c; (: < /dev/ptmx) && echo ptmx-ok'
        foreach ($d in 'null', 'zero', 'full', 'random', 'urandom', 'ptmx') { $r.Output | Should -Contain "$d-ok" }
        $r.Output | Should -Contain '4'
    }

    It 'is written as Docker''s default allow list on cgroup v1' {
        if ((Get-CgroupVersion) -ne 'v1') { Set-ItResult -Skipped -Because 'v2 has no devices.list (the BPF program is proven by the attacks above)'; return }
        $name = New-TestName 'dev'
        $c = New-MiniContainer $rootfs sleep, 300 -Name $name | Start-MiniContainer -PassThru
        try {
            $dir = @((Get-ContainerRecord $c).CgroupPaths | Where-Object { Test-Path (Join-Path $_ 'devices.list') })
            $dir.Count | Should -Be 1
            $list = Get-Content (Join-Path $dir[0] 'devices.list')
            $list | Should -Not -Contain 'a *:* rwm'
            foreach ($rule in 'c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:9 rwm', 'c 5:2 rwm', 'c 136:* rwm') { $list | Should -Contain $rule }
            # the init is in it before it runs
            Get-Content (Join-Path $dir[0] 'cgroup.procs') | Should -Contain "$($c.Pid)"
        } finally { Remove-MiniContainer -InputObject $c -Force -Confirm:$false }
    }
}

Describe '-Device' {
    It 'makes a host device node at the container path and allows it' {
        $r = Invoke-TestContainer -Options @{ Device = '/dev/null:/dev/mynull' } -Command sh, -c, 'exec 2>&1; echo hi > /dev/mynull && echo write-ok; ls -l /dev/mynull'
        $r.Output | Should -Contain 'write-ok'
        $r.Output -join "`n" | Should -Match '(?m)^crw-rw-rw-\s.*\s1,\s+3\s.*/dev/mynull$'
    }

    It 'allows a device outside the default list with only the permissions given' {
        # The host's disk, read-only: opening it to read works, opening it to write is refused by the device cgroup.
        if (-not $blockNode) { Set-ItResult -Skipped -Because 'this host has no block device node in /dev'; return }
        $r = Invoke-TestContainer -Options @{ Device = "${blockNode}:/dev/xdisk:r" } -Command sh, -c, 'exec 2>&1; (: < /dev/xdisk) && echo read-ok; (: > /dev/xdisk) && echo write-ok'
        $r.Output | Should -Contain 'read-ok'
        $r.Output | Should -Not -Contain 'write-ok'
        $r.Output -join "`n" | Should -Match 'Operation not permitted'
        # without a -Device the same open is refused
        $r = Invoke-TestContainer -Options @{ Volume = "${vol}:/vol" } -Command sh, -c, "exec 2>&1; mknod /vol/xdisk b $($block -replace ':', ' ') && (: < /vol/xdisk) && echo read-ok; rm -f /vol/xdisk"
        $r.Output | Should -Not -Contain 'read-ok'
    }

    It 'rejects <Case> with <ErrorId>, leaving nothing behind' -ForEach @(
        @{ Case = 'a regular file'; ErrorId = 'DeviceNotFound'; Device = '/etc/hostname' }
        @{ Case = 'a missing node'; ErrorId = 'DeviceNotFound'; Device = '/dev/no-such-device' }
        @{ Case = 'a path outside /dev'; ErrorId = 'InvalidDevicePath'; Device = '/dev/null:/tmp/null' }
        @{ Case = 'a path over /dev/pts'; ErrorId = 'InvalidDevicePath'; Device = '/dev/null:/dev/pts/0' }
        @{ Case = 'bad permissions'; ErrorId = 'InvalidDevice'; Device = '/dev/null:/dev/n:rwx' }
    ) {
        $before = @(Get-MiniContainer).Count
        $err = { New-MiniContainer $rootfs true -Device $Device } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        @(Get-MiniContainer).Count | Should -Be $before
    }
}

Describe '-Privileged' {
    It 'may open a device it makes (the device cgroup allows everything)' {
        $r = Invoke-TestContainer -Options @{ Volume = "${vol}:/vol"; Privileged = $true } -Command sh, -c,
            'exec 2>&1; mknod /vol/pkmsg c 1 11 && (: < /vol/pkmsg) && echo open-ok; rm -f /vol/pkmsg'
        $r.Output | Should -Contain 'open-ok'
    }
}

Describe 'Volumes' {
    BeforeAll {
        # A setuid-root copy of the test binary in the volume, as a host user (or another container) could leave it.
        Copy-Item $env:MINIDOCKER_TEST_BINARY (Join-Path $vol 'mdtest')   # the name picks the command: keep it
        chown 0:0 (Join-Path $vol 'mdtest'); chmod 4755 (Join-Path $vol 'mdtest')
    }

    It 'are nosuid: a setuid-root file in one does not elevate' {
        # no_new_privs off, so only nosuid stands in the way
        $opts = @{ Volume = "${vol}:/vol"; User = '65534'; SecurityOpt = 'no-new-privileges=false' }
        (Invoke-TestContainer -Options $opts -Command sh, -c, '/vol/mdtest euid').Output | Should -Be '65534'
        (Invoke-TestContainer -Options $opts -Command sh, -c, 'grep " /vol " /proc/self/mountinfo').Output | Should -Match '[\s,]nosuid[\s,]'
    }

    It 'keep setuid with the suid option' {
        $opts = @{ Volume = "${vol}:/vol:suid"; User = '65534'; SecurityOpt = 'no-new-privileges=false' }
        (Invoke-TestContainer -Options $opts -Command sh, -c, '/vol/mdtest euid').Output | Should -Be '0'
    }

    It 'keep the host mount''s nodev and noexec, read-only too' {
        foreach ($spec in "${locked}:/locked", "${locked}:/locked:ro", "${locked}:/locked:ro,suid") {
            $line = (Invoke-TestContainer -Options @{ Volume = $spec } -Command sh, -c, 'grep " /locked " /proc/self/mountinfo').Output
            $opts = ($line -split ' ')[5] -split ','
            $opts | Should -Contain 'nodev' -Because $spec
            $opts | Should -Contain 'noexec' -Because $spec
            if ($spec -like '*:ro*') { $opts | Should -Contain 'ro' -Because $spec }
        }
    }

    It 'reject an unknown option' {
        $err = { New-MiniContainer $rootfs true -Volume "${vol}:/vol:exec" } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidVolume,*'
    }
}
