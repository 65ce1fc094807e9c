# Security defaults, each observed from inside a real container: capabilities, no_new_privs, seccomp,
# masked and read-only paths, devices, rlimits, users, read-only root, fd hygiene, the helper out of
# reach, and hostile root filesystems that must never make the engine write to the host.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:scratch = Join-Path ([IO.Path]::GetTempPath()) ("minidocker-security-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    New-Item -ItemType Directory $scratch | Out-Null

    # "Name: value" lines of mdtest security-status as a hashtable.
    function Get-SecurityStatus([hashtable]$Options = @{}) {
        $r = Invoke-TestContainer -Command '/bin/mdtest', 'security-status' -Options $Options
        $status = @{}
        foreach ($line in $r.Output) { $k, $v = $line -split ':\s*', 2; $status[$k] = $v }
        $status
    }
    # A throw-away copy of the test rootfs (symlinks kept) that a test may change.
    function New-RootfsCopy([string]$Name) {
        $dir = Join-Path $scratch $Name
        cp -a $rootfs $dir
        if ($LASTEXITCODE) { throw "cp -a $rootfs $dir failed" }
        $dir
    }
}

AfterAll {
    Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue
}

Describe 'Capabilities' {
    It 'are Docker''s 14 by default, with empty inheritable and ambient sets' {
        $s = Get-SecurityStatus
        $s.CapEff | Should -Be '00000000a80425fb'
        $s.CapPrm | Should -Be '00000000a80425fb'
        $s.CapBnd | Should -Be '00000000a80425fb'
        $s.CapInh | Should -Be '0000000000000000'
        $s.CapAmb | Should -Be '0000000000000000'
    }

    It 'take -CapAdd and -CapDrop by either name form, and ALL' {
        $s = Get-SecurityStatus @{ CapAdd = 'NET_ADMIN', 'cap_sys_time'; CapDrop = 'CAP_CHOWN' }
        $expected = ([Convert]::ToUInt64('a80425fb', 16) -bor (1L -shl 12) -bor (1L -shl 25)) -band (-bnot 1L)   # +NET_ADMIN +SYS_TIME -CHOWN
        [Convert]::ToUInt64($s.CapEff, 16) | Should -Be $expected
        (Get-SecurityStatus @{ CapDrop = 'ALL'; CapAdd = 'KILL' }).CapEff | Should -Be '0000000000000020'
    }

    It 'keep mount and ip link add out of reach of the container''s root' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'exec 2>&1; mkdir -p /mnt; mount -t tmpfs none /mnt; echo mount=$?; ip link set lo mtu 1280; echo ip=$?'
        $r.Output | Should -Contain 'mount=1'
        $r.Output | Should -Not -Contain 'ip=0'
        ($r.Output -match 'Operation not permitted|permission denied').Count | Should -Be 2
        # the control: with NET_ADMIN the same ip command succeeds
        (Invoke-TestContainer -Command 'sh', '-c', 'ip link set lo mtu 1280; echo ip=$?' -Options @{ CapAdd = 'NET_ADMIN' }).Output | Should -Contain 'ip=0'
    }

    It 'reject an unknown capability with a specific error' {
        { New-MiniContainer $rootfs true -CapAdd 'CAP_FLY' } | Should -Throw -ErrorId 'CapabilityNotFound*'
    }

    It 'all go to a -Privileged container, which has no seccomp filter, no masked paths and a writable /sys' {
        $s = Get-SecurityStatus @{ Privileged = $true }
        ([Convert]::ToUInt64($s.CapEff, 16) -band (1 -shl 21)) | Should -Not -Be 0   # CAP_SYS_ADMIN
        $s.Seccomp | Should -Be '0'
        $r = Invoke-TestContainer -Command 'sh', '-c', 'wc -c < /proc/timer_list; grep " /sys " /proc/self/mountinfo' -Options @{ Privileged = $true }
        [int]$r.Output[0] | Should -BeGreaterThan 0
        $r.Output[1] | Should -Match ' /sys rw,'
    }
}

Describe 'no_new_privs' {
    It 'is on' {
        (Get-SecurityStatus).NoNewPrivs | Should -Be '1'
    }

    It 'stops a setuid-root binary from elevating a non-root user' {
        $dir = New-RootfsCopy 'setuid'
        $suid = Join-Path $dir 'sbin/mdtest'
        Copy-Item (Join-Path $dir 'bin/mdtest') $suid
        chown 0:0 $suid; chmod 4755 $suid
        (Invoke-TestContainer -RootFs $dir -Command '/sbin/mdtest', 'euid' -Options @{ User = '65534' }).Output | Should -Be '65534'
        # the control: the same binary does elevate once no_new_privs is off
        (Invoke-TestContainer -RootFs $dir -Command '/sbin/mdtest', 'euid' -Options @{ User = '65534'; SecurityOpt = 'no-new-privileges=false' }).Output | Should -Be '0'
    }
}

Describe 'Seccomp' {
    It 'filters with Docker''s default profile (mode 2)' {
        (Get-SecurityStatus).Seccomp | Should -Be '2'
    }

    It 'denies namespace creation without CAP_SYS_ADMIN and answers clone3 with ENOSYS' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'for op in unshare-user clone-newns clone3 mount; do /bin/mdtest syscall $op; done'
        $r.Output | Should -Be @('EPERM', 'EPERM', 'ENOSYS', 'EPERM')
    }

    It 'filters the i386 and x32 ABIs with the same rules (the binary-tree program keeps every arch section)' -Skip:((uname -m) -ne 'x86_64') {
        $probe = 'for op in i386-unshare-user i386-getpid x32-unshare-user x32-getpid; do /bin/mdtest syscall $op; done'
        $r = Invoke-TestContainer -Command 'sh', '-c', $probe
        $r.Output[0] | Should -Be 'EPERM'
        $r.Output[1] | Should -Be 'ok'
        $r.Output[2] | Should -Be 'EPERM'              # refused by the filter before the kernel looks for x32 at all
        $r.Output[3] | Should -BeIn @('ok', 'ENOSYS')  # allowed by the filter; ENOSYS from a kernel built without x32
        # Unfiltered, the i386 unshare goes through: the EPERM above is the filter's.
        (Invoke-TestContainer -Command '/bin/mdtest', 'syscall', 'i386-unshare-user' -Options @{ SecurityOpt = 'seccomp=unconfined' }).Output | Should -Be 'ok'
    }

    It 'enforces the same filter from the compiled-program cache, and ignores a damaged cache file' {
        $cache = Join-Path $env:MINIDOCKER_ROOT 'seccomp'
        $probe = 'for op in unshare-user clone3; do /bin/mdtest syscall $op; done'
        Remove-Item $cache -Recurse -Force -ErrorAction SilentlyContinue   # other tests' profiles (other capability sets) aside
        (Invoke-TestContainer -Command 'sh', '-c', $probe).Output | Should -Be @('EPERM', 'ENOSYS')
        $files = @(Get-ChildItem $cache -Filter *.bpf)
        $files.Count | Should -Be 1
        # The second start loads the cached program: same effect.
        (Invoke-TestContainer -Command 'sh', '-c', $probe).Output | Should -Be @('EPERM', 'ENOSYS')
        # A cache file that is not a whole BPF program is ignored and rebuilt, never loaded.
        foreach ($f in $files) { [IO.File]::WriteAllBytes($f.FullName, [byte[]](1, 2, 3)) }
        (Invoke-TestContainer -Command 'sh', '-c', $probe).Output | Should -Be @('EPERM', 'ENOSYS')
        foreach ($f in $files) { (Get-Item $f.FullName).Length % 8 | Should -Be 0 }
    }

    It 'is off with seccomp=unconfined, which lets unshare(CLONE_NEWUSER) through' {
        $r = Invoke-TestContainer -Command 'sh', '-c', '/bin/mdtest security-status | grep Seccomp:; /bin/mdtest syscall unshare-user' -Options @{ SecurityOpt = 'seccomp=unconfined' }
        $r.Output[0] | Should -Match 'Seccomp:\s+0'
        $r.Output[1] | Should -Be 'ok'
    }

    It 'takes a custom profile in Docker''s format' {
        $profile = Join-Path $scratch 'deny-mkdir.json'
        @{ defaultAction = 'SCMP_ACT_ALLOW'; syscalls = @(@{ names = @('mkdir', 'mkdirat'); action = 'SCMP_ACT_ERRNO'; errnoRet = 13 }) } | ConvertTo-Json -Depth 5 | Set-Content $profile
        $r = Invoke-TestContainer -Command 'sh', '-c', 'mkdir /tmp/d 2>&1; echo rc=$?; /bin/mdtest syscall unshare-user' -Options @{ SecurityOpt = "seccomp=$profile" }
        ($r.Output -join "`n") | Should -Match 'Permission denied'
        $r.Output | Should -Contain 'rc=1'
        $r.Output[-1] | Should -Be 'ok'   # everything else allowed, as the profile says
    }

    It 'refuses a profile that uses what MiniDocker does not support, and a missing file' {
        $profile = Join-Path $scratch 'notify.json'
        '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/x.sock","syscalls":[]}' | Set-Content $profile
        { New-MiniContainer $rootfs true -SecurityOpt "seccomp=$profile" } | Should -Throw -ErrorId 'SeccompProfileUnsupported*'
        { New-MiniContainer $rootfs true -SecurityOpt "seccomp=$scratch/none.json" } | Should -Throw -ErrorId 'SeccompProfileNotFound*'
        { New-MiniContainer $rootfs true -SecurityOpt 'apparmor=unconfined' } | Should -Throw -ErrorId 'SecurityOptUnsupported*'
    }
}

Describe 'Masked and read-only kernel paths' {
    It 'masks /proc/timer_list, /proc/keys and /sys/firmware' {
        $hostTimerList = (Get-Content /proc/timer_list -Raw).Length
        $hostTimerList | Should -BeGreaterThan 0
        $r = Invoke-TestContainer -Command 'sh', '-c', 'wc -c < /proc/timer_list; wc -c < /proc/keys; ls -A /sys/firmware | wc -l'
        $r.Output | Should -Be @('0', '0', '0')
    }

    It 'makes /proc/sys read-only: writing the hostname there is EROFS' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'exec 2>&1; echo changed > /proc/sys/kernel/hostname; hostname; grep -E " /proc/(sys|fs|irq|bus) " /proc/self/mountinfo | cut -d" " -f5,6'
        $r.Output[0] | Should -Match 'Read-only file system'
        $r.Output[1] | Should -Be $r.Container.ShortId
        $r.Output | Select-Object -Skip 2 | Should -Match '^/proc/\w+ ro,'
        ($r.Output | Select-Object -Skip 2).Count | Should -BeGreaterOrEqual 2
    }
}

Describe 'Devices' {
    It 'reach no host device, even one made with CAP_MKNOD' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'exec 2>&1; mknod /tmp/sda b 8 0 && head -c1 /tmp/sda; mknod /dev/mem2 c 1 1 && head -c1 /dev/mem2; echo hi > /dev/null && echo null-ok'
        ($r.Output | Where-Object { $_ -match 'Permission denied' }).Count | Should -Be 2
        $r.Output | Should -Contain 'null-ok'
    }

    It 'has a 64 MiB /dev/shm' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'grep " /dev/shm " /proc/self/mountinfo'
        $r.Output | Should -Match 'size=65536k'
    }
}

Describe 'Resource limits' {
    It 'default RLIMIT_NOFILE to 1024 soft (hard 524288, or the engine''s own hard limit if it cannot raise it)' {
        $hostHard = [long](sh -c 'ulimit -Hn')
        $r = Invoke-TestContainer -Command 'sh', '-c', 'ulimit -Sn; ulimit -Hn'
        $r.Output[0] | Should -Be '1024'
        $bounding = [Convert]::ToUInt64((((Get-Content /proc/self/status) -match '^CapBnd:')[0] -split '\s+')[1], 16)
        $canRaise = ($bounding -band (1L -shl 24)) -ne 0   # CAP_SYS_RESOURCE
        $expectHard = if ($canRaise) { 524288 } else { [Math]::Min(524288, $hostHard) }
        [long]$r.Output[1] | Should -Be $expectHard
    }

    It 'take -Ulimit NAME=SOFT:HARD and reject a bad one' {
        (Invoke-TestContainer -Command 'sh', '-c', 'ulimit -Sn; ulimit -Hn; ulimit -Su' -Options @{ Ulimit = 'nofile=256:512', 'nproc=77' }).Output | Should -Be @('256', '512', '77')
        { New-MiniContainer $rootfs true -Ulimit 'nofile=10:5' } | Should -Throw -ErrorId 'InvalidUlimit*'
        { New-MiniContainer $rootfs true -Ulimit 'files=10' } | Should -Throw -ErrorId 'InvalidUlimit*'
    }
}

Describe 'Users' {
    It 'runs as -User UID, with no capabilities left but the bounding set' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'id; grep CapEff /proc/self/status' -Options @{ User = '65534' }
        $r.Output[0] | Should -Match '^uid=65534\(nobody\) gid=65534\(nogroup\)'
        $r.Output[1] | Should -Match '0000000000000000'
    }

    It 'resolves a name and its supplementary groups from the rootfs''s /etc/passwd and /etc/group' {
        $dir = New-RootfsCopy 'users'
        Add-Content (Join-Path $dir 'etc/passwd') 'app:x:1234:1234:app:/home/app:/bin/sh'
        Add-Content (Join-Path $dir 'etc/group') "app:x:1234:`nextra:x:4321:nobody,app"
        $r = Invoke-TestContainer -RootFs $dir -Command 'sh', '-c', 'id -u; id -g; id -G; echo $HOME' -Options @{ User = 'app' }
        $r.Output | Should -Be @('1234', '1234', '1234 4321', '/home/app')
        (Invoke-TestContainer -RootFs $dir -Command 'sh', '-c', 'id -u; id -g' -Options @{ User = 'app:extra' }).Output | Should -Be @('1234', '4321')
        { New-MiniContainer $dir true -User 'ghost' } | Should -Throw -ErrorId 'UserNotFound*'
    }
}

Describe 'Read-only root filesystem' {
    It 'refuses writes to / (EROFS) but keeps /dev/shm writable' {
        $r = Invoke-TestContainer -Command 'sh', '-c', 'exec 2>&1; echo x > /etc/x; echo x > /tmp/x; echo ok > /dev/shm/x && cat /dev/shm/x' -Options @{ ReadOnly = $true }
        ($r.Output | Where-Object { $_ -match 'Read-only file system' }).Count | Should -Be 2
        $r.Output[-1] | Should -Be 'ok'
    }
}

Describe 'File descriptors and working directory' {
    It 'hands the command only fds 0-2 and a cwd inside the rootfs' {
        foreach ($init in $false, $true) {
            $r = Invoke-TestContainer -Command 'sh', '-c', '/bin/mdtest fds; readlink /proc/self/cwd' -Options @{ Init = $init; WorkingDirectory = '/tmp' }
            $r.Output | Should -Be @('0', '1', '2', '/tmp')
        }
    }
}

Describe 'The container''s stdin' {
    It 'is the container''s own /dev/null, not a file of a host mount (init <Init>)' -ForEach @(@{ Init = $false }, @{ Init = $true }) {
        # The mount an fd belongs to (fdinfo mnt_id) must be one of the container's: its /dev/null.
        # With -Init, PID 1 is the non-dumpable helper: its fds are out of reach, the command's show the same file.
        $script = 'for p in ' + ($Init ? '$$ $$' : '1 $$') + '; do readlink /proc/$p/fd/0; m=$(sed -n "s/^mnt_id:[[:space:]]*//p" /proc/$p/fdinfo/0); awk -v m="$m" "\$1 == m { print \$5 }" /proc/self/mountinfo; done'
        $r = Invoke-TestContainer -Command 'sh', '-c', $script -Options @{ Init = $Init }
        $r.Output | Should -Be @('/dev/null', '/dev/null', '/dev/null', '/dev/null')
    }
}

Describe 'State on disk belongs to root' {
    BeforeAll {
        # SCRIPT as host user nobody, by sh (setpriv keeps root's capabilities until its own exec, so it
        # must not be the one to open the target); ARGUMENTS are $1, $2, ...
        function Invoke-AsNobody([string]$Script, [string[]]$Arguments) {
            $out = setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh -c $Script sh @Arguments 2>&1
            [pscustomobject]@{ Output = @($out | ForEach-Object ToString); ExitCode = $LASTEXITCODE }
        }
    }

    It 'keeps a setuid-root file a container wrote into its upper layer out of host users'' reach' {
        $name = New-TestName 'suid'
        # root in the container has CAP_FSETID: it may plant a setuid-root copy of mdtest in its writable layer
        $c = New-MiniContainer -RootFs $rootfs -Command 'sh', '-c', 'mkdir /x && cp /bin/mdtest /x/mdtest && chmod 4755 /x/mdtest && echo planted' -Name $name
        try {
            Start-MiniContainer -InputObject $c -Wait | Should -Be 'planted'
            $planted = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)/upper/x/mdtest"
            stat -c '%a %u' $planted | Should -Be '4755 0'   # the control: it is there, setuid root
            $r = Invoke-AsNobody 'exec "$1" euid' $planted
            $r.Output | Should -Not -Contain '0'
            $r.ExitCode | Should -Be 126
            $r.Output -join "`n" | Should -Match 'Permission denied'
        }
        finally { Remove-MiniContainer -Name $name -Force -Confirm:$false }
    }

    It 'lets no host user read a container''s -Environment secret or its log; every state path is 0700 or 0600' {
        $name = New-TestName 'secret'
        $c = New-MiniContainer -RootFs $rootfs -Command 'sh', '-c', 'echo "token=$TOKEN"' -Name $name -Environment @{ TOKEN = 'hunter2-secret' }
        try {
            Start-MiniContainer -InputObject $c -Wait | Should -Be 'token=hunter2-secret'
            $dir = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)"
            $run = Join-Path $env:MINIDOCKER_RUN_ROOT "containers/$($c.Id)"
            foreach ($file in "$dir/config.json", "$dir/container.log") {
                Get-Content $file -Raw | Should -Match 'hunter2-secret'   # the control: root reads it there
                $r = Invoke-AsNobody 'cat "$1"' $file
                $r.ExitCode | Should -Not -Be 0
                $r.Output -join "`n" | Should -Not -Match 'hunter2-secret'
            }
            $dirs = $env:MINIDOCKER_ROOT, (Split-Path $dir), $dir, $env:MINIDOCKER_RUN_ROOT, (Split-Path $run), $run, (Join-Path $env:MINIDOCKER_ROOT 'seccomp')
            @(stat -c '%a %n' $dirs) | Should -Be @($dirs | ForEach-Object { "700 $_" })
            $files = "$dir/config.json", "$dir/container.log", "$run/exit"
            @(stat -c '%a %n' $files) | Should -Be @($files | ForEach-Object { "600 $_" })
        }
        finally { Remove-MiniContainer -Name $name -Force -Confirm:$false }
    }

    It 'narrows a state root and run root an older version made 0755 on the next command' {
        $old = Join-Path $scratch ('old-' + [guid]::NewGuid().ToString('n').Substring(0, 6))
        New-Item -ItemType Directory "$old/state/containers", "$old/run/containers" | Out-Null
        chmod 755 "$old/state" "$old/run"
        $saved = $env:MINIDOCKER_ROOT, $env:MINIDOCKER_RUN_ROOT
        try {
            $env:MINIDOCKER_ROOT = "$old/state"; $env:MINIDOCKER_RUN_ROOT = "$old/run"
            @(Get-MiniContainer) | Should -HaveCount 0
            @(stat -c '%a' "$old/state" "$old/run") | Should -Be '700', '700'
        }
        finally { $env:MINIDOCKER_ROOT, $env:MINIDOCKER_RUN_ROOT = $saved }
    }
}

Describe 'The helper is out of reach' {
    It 'cannot be opened for writing through /proc/1/exe, and the host binary stays unchanged' {
        $helper = [MiniDocker.Engine.EngineOptions]::new().HelperPath
        $before = (Get-FileHash $helper -Algorithm SHA256).Hash
        $r = Invoke-TestContainer -Command 'sh', '-c', '/bin/mdtest cmdline; /bin/mdtest open-write /proc/1/exe; cat /proc/1/exe > /dev/null 2>&1 || echo no-read; for p in /proc/[0-9]*; do /bin/mdtest open-write $p/exe; done | sort -u' -Options @{ Init = $true }
        $r.Output[0] | Should -Match '^minidocker-init'    # PID 1 really is the helper (its neutral title)
        $r.Output[1] | Should -Not -Be 'ok'
        $r.Output | Should -Contain 'no-read'
        $r.Output | Should -Not -Contain 'ok'
        (Get-FileHash $helper -Algorithm SHA256).Hash | Should -Be $before
    }

    It 'cannot be escaped with the classic chroot trick' {
        $sentinel = Join-Path $scratch 'host-sentinel'
        'host secret' | Set-Content $sentinel
        $r = Invoke-TestContainer -Command '/bin/mdtest', 'chroot-escape', $sentinel
        $r.Output | Should -Match '^confined'
    }
}

Describe 'A hostile root filesystem' {
    BeforeEach {
        $script:sentinelDir = Join-Path $scratch ('host-dir-' + [guid]::NewGuid().ToString('n').Substring(0, 6))
        New-Item -ItemType Directory $sentinelDir | Out-Null
        'untouched' | Set-Content (Join-Path $sentinelDir 'file')
        $script:sentinelFile = Join-Path $sentinelDir 'file'
    }

    It 'never writes to the host through a symlink at <Link> -> <Kind>' -ForEach @(
        @{ Link = 'proc'; Kind = 'absolute' }, @{ Link = 'dev'; Kind = 'absolute' }, @{ Link = 'sys'; Kind = 'relative' },
        @{ Link = 'proc'; Kind = 'relative' }, @{ Link = 'etc/hostname'; Kind = 'file' }, @{ Link = 'dev/null'; Kind = 'file' }
    ) {
        $dir = New-RootfsCopy ('hostile-' + [guid]::NewGuid().ToString('n').Substring(0, 6))
        $link = Join-Path $dir $Link
        if (Test-Path $link) { Remove-Item -Recurse -Force $link }
        $target = switch ($Kind) {
            'absolute' { $sentinelDir }
            'relative' { ('../' * 12) + $sentinelDir.TrimStart('/') }
            'file' { $sentinelFile }
        }
        New-Item -ItemType Directory -Force (Split-Path $link) | Out-Null
        New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
        $before = @(Get-ChildItem -Force $sentinelDir).Name
        $name = New-TestName 'hostile'
        $c = New-MiniContainer -RootFs $dir -Command 'sh', '-c', 'echo ran; cat /proc/1/cmdline >/dev/null; ls -A / >/dev/null' -Name $name
        try { $out = @(Start-MiniContainer -InputObject $c -Wait 2>$null) } catch { $out = @("refused: $($_.FullyQualifiedErrorId)") }
        Remove-MiniContainer -Name $name -Force -Confirm:$false
        # refused or confined: never a write, a mount or a new entry on the host side
        @(Get-ChildItem -Force $sentinelDir).Name | Should -Be $before
        Get-Content $sentinelFile | Should -Be 'untouched'
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape($sentinelDir) | Should -BeNullOrEmpty
        $out | Should -Not -BeNullOrEmpty
    }

    It 'refuses /proc -> / and names /proc, not the mount after it' {
        $dir = New-RootfsCopy ('procroot-' + [guid]::NewGuid().ToString('n').Substring(0, 6))
        Remove-Item -Recurse -Force (Join-Path $dir 'proc')
        New-Item -ItemType SymbolicLink -Path (Join-Path $dir 'proc') -Target '/' | Out-Null
        $name = New-TestName 'procroot'
        $c = New-MiniContainer -RootFs $dir -Command 'true' -Name $name
        try {
            { Start-MiniContainer -InputObject $c -Wait } | Should -Throw -ErrorId 'RootFsPathUnusable*' -ExpectedMessage '* /proc *'
            (Get-Content /proc/self/mountinfo) -match [regex]::Escape($dir) | Should -BeNullOrEmpty
        }
        finally { Remove-MiniContainer -Name $name -Force -Confirm:$false }
    }
}
