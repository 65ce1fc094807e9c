# Rootless storage, run AS mdrootless (a user with a subordinate range; Invoke-RootlessSuite.ps1 starts it through runuser):
# an image's owners shown inside the container (extraction chowns into the range as root of a user namespace), ids
# beyond the range refused, and containers and images whose files lie in the range removed without a trace.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:uid = [int](id -u)
    $script:user = (id -un)
    $script:subuid = [long]((Get-Content /etc/subuid | Where-Object { $_ -like "${user}:*" } | Select-Object -First 1) -split ':')[1]
    $script:subgid = [long]((Get-Content /etc/subgid | Where-Object { $_ -like "${user}:*" } | Select-Object -First 1) -split ':')[1]
    $script:scratch = (Resolve-Path (Join-Path $env:XDG_DATA_HOME '..')).Path
    $script:stateRoot = (Get-MiniSystemInfo).StateRoot

    # A rootfs tar with several owners, made without privilege by tarfile: the busybox rootfs as root's, then
    # entries owned by 100:101, 65534:65534, a setgid directory of group 50, a setuid file, a 0700 directory
    # of 1000 (only its owner may enter) and a symlink owned by 33.
    function New-OwnersTar([string]$Path, [string]$Extra = '') {
        $py = Join-Path $scratch 'owners.py'
        Set-Content $py @'
import io, os, sys, tarfile
src, dst, extra = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ''
def root(i):
    i.uid = i.gid = 0; i.uname = i.gname = 'root'; return i
def add(t, name, kind, uid, gid, mode, body=b'owned\n', link=''):
    i = tarfile.TarInfo(name); i.uid, i.gid, i.mode = uid, gid, mode
    if kind == 'dir': i.type = tarfile.DIRTYPE; t.addfile(i)
    elif kind == 'sym': i.type = tarfile.SYMTYPE; i.linkname = link; t.addfile(i)
    else: i.size = len(body); t.addfile(i, io.BytesIO(body))
with tarfile.open(dst, 'w') as t:
    t.add(src, arcname='.', filter=root)
    add(t, 'srv', 'dir', 100, 101, 0o755)
    add(t, 'srv/data', 'file', 100, 101, 0o640)
    add(t, 'srv/nobody', 'file', 65534, 65534, 0o644)
    add(t, 'shared', 'dir', 0, 50, 0o2775)
    add(t, 'usr/bin/suid', 'file', 0, 0, 0o4755)
    add(t, 'usr/bin/suid100', 'file', 100, 0, 0o4755)
    add(t, 'home/app', 'dir', 1000, 1000, 0o700)
    add(t, 'home/app/secret', 'file', 1000, 1000, 0o600)
    add(t, 'srv/link', 'sym', 33, 33, 0o777, link='data')
    if extra: add(t, 'far', 'file', int(extra), 0, 0o644)
'@
        $made = python3 $py $rootfs $Path $Extra 2>&1
        "$made" | Should -BeNullOrEmpty
    }
    function Get-Layers { (Test-Path (Join-Path $stateRoot 'layers')) | Should -BeTrue; @(Get-ChildItem -Force (Join-Path $stateRoot 'layers')) }
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
}

Describe 'Rootless image owners' {
    It 'shows the image''s owners and modes inside the container, and the subordinate ids on the host' {
        $tar = Join-Path $scratch 'owners.tar'
        New-OwnersTar $tar
        Import-MiniImage $tar -Name rootless/idmap | Out-Null
        try {
            $c = New-MiniContainer -Image rootless/idmap -Command /bin/sh, -c, (
                'stat -c "%n %u:%g %a" /srv /srv/data /srv/nobody /shared /usr/bin/suid /usr/bin/suid100 /home/app /home/app/secret; ' +
                'stat -c "%n %u:%g" /srv/link; cat /home/app/secret')
            try { $out = @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) }
            finally { $c | Remove-MiniContainer -Force -Confirm:$false }
            $out | Should -Contain '/srv 100:101 755'
            $out | Should -Contain '/srv/data 100:101 640'
            $out | Should -Contain '/srv/nobody 65534:65534 644'
            $out | Should -Contain '/shared 0:50 2775'
            $out | Should -Contain '/usr/bin/suid 0:0 4755'
            $out | Should -Contain '/usr/bin/suid100 100:0 4755'
            $out | Should -Contain '/home/app 1000:1000 700'
            $out | Should -Contain '/home/app/secret 1000:1000 600'
            $out | Should -Contain '/srv/link 33:33'
            $out | Should -Contain 'owned'
            # On the host: container id N is subordinate id START+N-1; container root is the user.
            $layer = (Get-Layers | Where-Object { Test-Path (Join-Path $_.FullName 'srv') }).FullName
            $layer | Should -Not -BeNullOrEmpty
            (stat -c '%u:%g' (Join-Path $layer 'srv/data')) | Should -Be "$($subuid + 99):$($subgid + 100)"
            (stat -c '%u:%g' (Join-Path $layer 'shared')) | Should -Be "$($uid):$($subgid + 49)"
            (stat -c '%u' (Join-Path $layer 'bin/sh')) | Should -Be "$uid"
        }
        finally { Remove-MiniImage rootless/idmap -Force -Confirm:$false -ErrorAction SilentlyContinue; Remove-Item $tar -ErrorAction SilentlyContinue }
        # The layer had a 0700 directory of a subordinate id: the user alone could not have deleted it.
        @(Get-Layers).Count | Should -Be 0
    }
    It 'refuses an image with an id beyond the subordinate range, naming it, and keeps nothing' {
        $tar = Join-Path $scratch 'far.tar'
        New-OwnersTar $tar -Extra 70000
        try {
            $err = $null
            try { Import-MiniImage $tar -Name rootless/far -ErrorAction Stop | Out-Null } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'ImageIdOutsideRange,*'
            "$err" | Should -BeLike '*far*70000:0*subordinate*usermod*'
            @(Get-MiniImage | Where-Object { "$($_.Name)" -like '*rootless/far*' }).Count | Should -Be 0
            @(Get-Layers).Count | Should -Be 0
        }
        finally { Remove-Item $tar -ErrorAction SilentlyContinue }
    }
}

Describe 'Rootless removal of files in the subordinate range' {
    It 'removes a container whose process chowned files and a 0700 directory into the range' {
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'mkdir -p /home/u/deep/er && echo x > /home/u/deep/er/f && chown -R 1000:1000 /home/u && chmod 700 /home/u /home/u/deep && echo done'
        $out = @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" })
        $out | Should -Contain 'done'
        $dir = Join-Path $stateRoot "containers/$($c.Id)"
        (stat -c '%u %a' (Join-Path $dir 'upper/home/u')) | Should -Be "$($subuid + 999) 700"
        # Proof of the attack: the user alone cannot delete it.
        & rm -rf (Join-Path $dir 'upper/home/u') 2>$null
        Test-Path (Join-Path $dir 'upper/home/u') | Should -BeTrue
        $c | Remove-MiniContainer -Force -Confirm:$false
        Test-Path $dir | Should -BeFalse
        @(Get-MiniContainer | Where-Object Id -EQ $c.Id).Count | Should -Be 0
    }
    It 'removes an image container whose writes went to the range, then the image, leaving no layer' {
        $tar = Join-Path $scratch 'owners2.tar'
        New-OwnersTar $tar
        Import-MiniImage $tar -Name rootless/rm | Out-Null
        try {
            $c = New-MiniContainer -Image rootless/rm -Command /bin/sh, -c, 'echo new > /home/app/new; adduser -D -u 2000 bob 2>/dev/null || (mkdir -p /home/bob && chown 2000 /home/bob && chmod 700 /home/bob); echo ok'
            $out = @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" })
            $out | Should -Contain 'ok'
            $dir = Join-Path $stateRoot "containers/$($c.Id)"
            (stat -c '%u' (Join-Path $dir 'upper/home/bob')) | Should -Be "$($subuid + 1999)"
            $c | Remove-MiniContainer -Force -Confirm:$false
            Test-Path $dir | Should -BeFalse
        }
        finally { Remove-MiniImage rootless/rm -Force -Confirm:$false -ErrorAction SilentlyContinue; Remove-Item $tar -ErrorAction SilentlyContinue }
        @(Get-Layers).Count | Should -Be 0
        # Nothing of the user's is left in the range anywhere under its state.
        @(& find $stateRoot -xdev '(' -not -user $uid -o -not -group (id -g) ')' 2>&1).Count | Should -Be 0
    }
}
