# Rootless mode, run AS an ordinary user with subordinate ids (Invoke-RootlessSuite.ps1 starts it through runuser):
# its own roots, a user namespace with the subordinate range mapped, the security defaults inside it, limits
# refused with a clear error on a host without delegation, stop/exec/remove, and a hijacked run root refused.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:uid = [int](id -u)
    $script:gid = [int](id -g)
    $script:user = (id -un)
    $script:subuid = (Get-Content /etc/subuid | Where-Object { $_ -like "${user}:*" } | Select-Object -First 1) -split ':'
    function Invoke-Run([string]$Script, [hashtable]$Options = @{}) {
        $c = New-MiniContainer $rootfs /bin/sh, -c, $Script @Options
        try { ($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
}

Describe 'Rootless identity and state' {
    It 'runs as an ordinary user' {
        $uid | Should -Not -Be 0
    }
    It 'keeps state in XDG_DATA_HOME and run state in a private /tmp fallback (no XDG_RUNTIME_DIR here)' {
        $env:XDG_RUNTIME_DIR | Should -BeNullOrEmpty
        $info = Get-MiniSystemInfo
        $info.Mode | Should -Be 'rootless'
        $info.StateRoot | Should -Be (Join-Path $env:XDG_DATA_HOME 'minidocker')
        $info.RunRoot | Should -Be "/tmp/minidocker-run-$uid"
        (stat -c '%u %a' $info.RunRoot) | Should -Be "$uid 700"
    }
    It 'reports the subordinate range, the uidmap tools, no delegation on this host, and the overlay probe' {
        $info = Get-MiniSystemInfo
        $info.User | Should -Be $user
        $info.SubUidRange | Should -Be "$($subuid[1]):$($subuid[2])"
        $info.NewUidMap | Should -Be '/usr/bin/newuidmap'
        $info.IdMappingWarning | Should -BeNullOrEmpty
        if ($info.CgroupMode -ne 'v2') { @($info.DelegatedControllers).Count | Should -Be 0 }
        $info.OverlayInUserNamespace | Should -BeTrue
    }
    It 'refuses a run root another user made first, and says what to do' {
        $env:MD_HIJACKED_RUN_ROOT | Should -Not -BeNullOrEmpty
        (stat -c '%U' $env:MD_HIJACKED_RUN_ROOT) | Should -Not -Be $user
        $saved = $env:MINIDOCKER_RUN_ROOT
        $env:MINIDOCKER_RUN_ROOT = $env:MD_HIJACKED_RUN_ROOT
        try {
            $err = $null
            try { Get-MiniContainer -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'RootlessRunRootUnsafe,*'
            "$err" | Should -BeLike '*belongs to uid*MINIDOCKER_RUN_ROOT*'
            @(Get-ChildItem $env:MD_HIJACKED_RUN_ROOT).Count | Should -Be 0
        }
        finally { if ($saved) { $env:MINIDOCKER_RUN_ROOT = $saved } else { Remove-Item Env:MINIDOCKER_RUN_ROOT } }
    }
}

Describe 'Rootless containers' {
    It 'runs as root of its own user namespace: 0 is the user, 1.. the subordinate range' {
        $out = Invoke-Run 'id -u; cat /proc/self/uid_map /proc/self/gid_map; hostname' @{ Hostname = 'rl' }
        $out[0] | Should -Be '0'
        ($out[1] -split '\s+' -ne '') -join ' ' | Should -Be "0 $uid 1"
        ($out[2] -split '\s+' -ne '') -join ' ' | Should -Be "1 $($subuid[1]) $($subuid[2])"
        ($out[3] -split '\s+' -ne '') -join ' ' | Should -Be "0 $gid 1"
        $out[-1] | Should -Be 'rl'
    }
    It 'is the user on the host, and a file chowned inside lands in the subordinate range' {
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'echo x > /made; chown 1000:1000 /made; sleep 1000' | Start-MiniContainer -PassThru
        try {
            $deadline = (Get-Date).AddSeconds(10)
            $upper = Join-Path (Get-MiniSystemInfo).StateRoot "containers/$($c.Id)/upper/made"
            # Until the chown has run (the file exists a moment before it; a loaded host stretches that moment).
            $want = "$([int]$subuid[1] + 999)"
            while ((stat -c '%u' $upper 2>$null) -ne $want -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 50 }
            (Get-Content "/proc/$($c.Pid)/status" | Where-Object { $_ -like 'Uid:*' }) -split '\s+' | Select-Object -Index 1 | Should -Be "$uid"
            (stat -c '%u' $upper) | Should -Be $want
            Test-Path (Join-Path $rootfs 'made') | Should -BeFalse
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
        Test-Path (Join-Path (Get-MiniSystemInfo).StateRoot "containers/$($c.Id)") | Should -BeFalse
    }
    It 'has the host''s device nodes bound in /dev (mknod is refused in a user namespace)' {
        $out = Invoke-Run 'stat -c "%t:%T" /dev/null /dev/zero; echo gone > /dev/null && echo wrote; mknod /tmp/n c 1 3 || echo refused'
        $out[0] | Should -Be '1:3'
        $out[1] | Should -Be '1:5'
        $out | Should -Contain 'wrote'
        $out | Should -Contain 'refused'
    }
    It 'gets the user''s own hard nofile limit (raising it needs the host''s CAP_SYS_RESOURCE)' {
        $own = [long](sh -c 'ulimit -Hn')
        $own | Should -BeLessThan 524288
        $out = Invoke-Run 'ulimit -Hn'
        $out | Should -Be "$own"
    }
    It 'keeps seccomp, no_new_privs, Docker''s capabilities, masked and read-only paths' {
        $out = Invoke-Run 'grep -E "^(Seccomp|NoNewPrivs|CapBnd):" /proc/self/status; stat -c %s /proc/timer_list; echo x > /proc/sys/kernel/domainname || echo ro'
        $out | Should -Contain "Seccomp:`t2"
        $out | Should -Contain "NoNewPrivs:`t1"
        $out | Should -Contain "CapBnd:`t00000000a80425fb"
        $out | Should -Contain '0'
        $out | Should -Contain 'ro'
    }
    It 'refuses a limit on a host without a delegated cgroup, saying what to enable, and records nothing' {
        if ((Get-MiniSystemInfo).CgroupMode -eq 'v2' -and @((Get-MiniSystemInfo).DelegatedControllers).Count) { Set-ItResult -Skipped -Because 'this host delegates cgroups' }
        $before = @(Get-MiniContainer).Count
        $err = $null
        try { New-MiniContainer $rootfs /bin/true -Memory 64MB -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'RootlessCgroupUnavailable,*'
        "$err" | Should -BeLike '*Delegate=*'
        @(Get-MiniContainer).Count | Should -Be $before
    }
    It 'refuses a network other than none, -Publish and -Device with specific errors, and records nothing' {
        $before = @(Get-MiniContainer).Count
        foreach ($case in @(
                @{ Options = @{ Network = 'host' }; Id = 'RootlessNetworkUnsupported' },
                @{ Options = @{ Network = 'bridge' }; Id = 'RootlessNetworkUnsupported' },
                @{ Options = @{ Device = '/dev/null' }; Id = 'RootlessDeviceUnsupported' })) {
            $o = $case.Options
            $err = $null
            try { New-MiniContainer $rootfs /bin/true @o -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike "$($case.Id),*"
        }
        @(Get-MiniContainer).Count | Should -Be $before
    }
    It 'stops a PID 1 that ignores SIGTERM by killing it after the timeout (no cgroup to kill)' {
        # sleep as PID 1 has no handler: the kernel drops SIGTERM to it.
        $c = New-MiniContainer $rootfs /bin/sleep, 1000 | Start-MiniContainer -PassThru
        try {
            $s = $c | Stop-MiniContainer -Timeout 1 -PassThru
            $s.State | Should -Be 'Exited'
            $s.ExitCode | Should -Be 137
            Test-Path "/proc/$($c.Pid)" | Should -BeFalse
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
    It 'execs into a running container (its user namespace joined first)' {
        $c = New-MiniContainer $rootfs /bin/sleep, 1000 -Hostname inside | Start-MiniContainer -PassThru
        try {
            $out = Invoke-MiniContainer $c.Name -Command /bin/sh, -c, 'id -u; hostname; cat /proc/self/uid_map'
            $out[0] | Should -Be '0'
            $out[1] | Should -Be 'inside'
            ($out[2] -split '\s+' -ne '') -join ' ' | Should -Be "0 $uid 1"
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
    It 'imports and runs an image whose tar has files of several owners (each keeps its owner inside: RootlessStorage.Tests.ps1)' {
        # A rootfs tarball as a distribution ships it: root's files and a user's, made without privilege by tarfile.
        $tar = Join-Path $env:XDG_DATA_HOME '../owners.tar'
        $py = Join-Path $env:XDG_DATA_HOME '../owners.py'
        Set-Content $py @'
import io, os, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(dst, 'w') as t:
    t.add(src, arcname='.', filter=lambda i: (setattr(i, 'uid', 0), setattr(i, 'gid', 0), setattr(i, 'uname', 'root'), setattr(i, 'gname', 'root'))[-1] or i)
    for name, uid in (('home/app/data', 1000), ('var/log/svc.log', 100)):
        d = tarfile.TarInfo(os.path.dirname(name)); d.type = tarfile.DIRTYPE; d.mode = 0o755; d.uid = d.gid = uid; t.addfile(d)
        f = tarfile.TarInfo(name); body = b'owned\n'; f.size = len(body); f.uid = f.gid = uid; t.addfile(f, io.BytesIO(body))
'@
        $made = python3 $py $rootfs $tar 2>&1
        "$made" | Should -BeNullOrEmpty
        Import-MiniImage $tar -Name rootless/owners | Out-Null
        try {
            $c = New-MiniContainer -Image rootless/owners -Command /bin/sh, -c, 'cat /home/app/data /var/log/svc.log; stat -c %u /home/app/data; echo more >> /home/app/data && echo appended'
            try { $out = @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) }
            finally { $c | Remove-MiniContainer -Force -Confirm:$false }
            $out[0..1] | Should -Be @('owned', 'owned')
            $out[2] | Should -Be '1000'
            $out | Should -Contain 'appended'
        }
        finally { Remove-MiniImage rootless/owners -Force -Confirm:$false -ErrorAction SilentlyContinue; Remove-Item $tar -ErrorAction SilentlyContinue }
    }
    It 'writes to its own overlay and leaves the rootfs folder as it was' {
        $out = Invoke-Run 'echo hi > /tmp/x && cat /tmp/x; rm /bin/mdtest && echo removed'
        $out | Should -Contain 'hi'
        $out | Should -Contain 'removed'
        Test-Path (Join-Path $rootfs 'bin/mdtest') | Should -BeTrue
    }
}
