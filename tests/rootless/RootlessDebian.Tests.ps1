# A real Debian 12 minbase image, run AS mdrootless (Invoke-RootlessSuite.ps1 builds it as root with
# tests/tools/debian-image.sh and passes its path in MINIDOCKER_DEBIAN_IMAGE): the owners Debian gives its files
# (shadow, staff, mail, utmp, _apt) inside and at START+N-1 on the host, setuid and setgid binaries that keep their
# modes and still work, dpkg, apt-get and bash, and a removal that leaves none of the layer's subordinate-owned files.
# Imported once for the file (about 6,300 entries, 120 MB).

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:tar = $env:MINIDOCKER_DEBIAN_IMAGE
    # No silent skip: a machine without the image fails here, for every test of the file.
    $tar | Should -Not -BeNullOrEmpty -Because 'Invoke-RootlessSuite.ps1 passes the Debian image built by tests/tools/debian-image.sh (its output above says why it is missing)'
    Test-Path $tar | Should -BeTrue
    $script:uid = [int](id -u)
    $script:gid = [int](id -g)
    $script:user = (id -un)
    $script:subuid = [long]((Get-Content /etc/subuid | Where-Object { $_ -like "${user}:*" } | Select-Object -First 1) -split ':')[1]
    $script:subgid = [long]((Get-Content /etc/subgid | Where-Object { $_ -like "${user}:*" } | Select-Object -First 1) -split ':')[1]
    $script:stateRoot = (Get-MiniSystemInfo).StateRoot
    $script:layersDir = Join-Path $stateRoot 'layers'
    function Get-LayerNames { @(Get-ChildItem -Force $layersDir -ErrorAction SilentlyContinue | ForEach-Object Name) }
    $script:layersBefore = Get-LayerNames
    Import-MiniImage $tar -Name rootless/debian:12 -WarningVariable importWarnings -WarningAction SilentlyContinue | Out-Null
    $script:importWarnings = @($importWarnings | ForEach-Object { "$_" })
    $script:layer = @(Get-LayerNames | Where-Object { $_ -notin $layersBefore } | ForEach-Object { Join-Path $layersDir $_ } |
        Where-Object { Test-Path (Join-Path $_ 'etc/debian_version') })
    function Invoke-Debian([string]$Script, [hashtable]$Options = @{}) {
        $c = New-MiniContainer -Image rootless/debian:12 -Command /bin/bash, -c, $Script @Options
        try { @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Remove-MiniImage rootless/debian:12 -Force -Confirm:$false -ErrorAction SilentlyContinue
}

Describe 'A real Debian image, rootless' {
    It 'imports it, skipping only its device nodes (the container gets the host''s), into one layer' {
        $importWarnings.Count | Should -BeGreaterThan 0
        $importWarnings | Where-Object { $_ -notlike "Skipped device node 'dev/*" } | Should -BeNullOrEmpty
        $layer.Count | Should -Be 1
    }
    It 'keeps Debian''s owners on the host as subordinate ids START+N-1, and container root as the user' {
        $l = $layer[0]
        (stat -c '%u:%g %a' (Join-Path $l 'etc/shadow')) | Should -Be "$($uid):$($subgid + 41) 640"
        (stat -c '%u:%g %a' (Join-Path $l 'var/local')) | Should -Be "$($uid):$($subgid + 49) 2775"
        (stat -c '%u:%g %a' (Join-Path $l 'var/mail')) | Should -Be "$($uid):$($subgid + 7) 2775"
        (stat -c '%u:%g %a' (Join-Path $l 'var/log/wtmp')) | Should -Be "$($uid):$($subgid + 42) 664"
        (stat -c '%u:%g %a' (Join-Path $l 'var/cache/apt/archives/partial')) | Should -Be "$($subuid + 41):$($gid) 700"
        (stat -c '%u:%g %a' (Join-Path $l 'usr/bin/su')) | Should -Be "$($uid):$($gid) 4755"
        (stat -c '%u:%g' (Join-Path $l 'usr/bin/dpkg')) | Should -Be "$($uid):$($gid)"
    }
    It 'shows Debian''s owners by name inside, and its setuid and setgid binaries with their modes' {
        $out = Invoke-Debian ('stat -c "%n %U:%G %a" /etc/shadow /etc/gshadow /var/local /var/mail /var/log/wtmp /var/log/btmp ' +
            '/var/cache/apt/archives/partial /var/lib/apt/lists/partial /usr/bin/su /usr/bin/passwd /usr/bin/mount /usr/bin/umount ' +
            '/usr/bin/newgrp /usr/bin/gpasswd /usr/bin/chage /usr/bin/expiry /usr/sbin/unix_chkpwd; stat -c "%h" /usr/bin/perl')
        $out | Should -Contain '/etc/shadow root:shadow 640'
        $out | Should -Contain '/etc/gshadow root:shadow 640'
        $out | Should -Contain '/var/local root:staff 2775'
        $out | Should -Contain '/var/mail root:mail 2775'
        $out | Should -Contain '/var/log/wtmp root:utmp 664'
        $out | Should -Contain '/var/log/btmp root:utmp 660'
        $out | Should -Contain '/var/cache/apt/archives/partial _apt:root 700'
        $out | Should -Contain '/var/lib/apt/lists/partial _apt:root 700'
        foreach ($suid in 'su', 'passwd', 'mount', 'umount', 'newgrp', 'gpasswd') { $out | Should -Contain "/usr/bin/$suid root:root 4755" }
        foreach ($sgid in '/usr/bin/chage', '/usr/bin/expiry', '/usr/sbin/unix_chkpwd') { $out | Should -Contain "$sgid root:shadow 2755" }
        # perl and perl5.36.0 are one file in the tar (a hard link entry), and stay one.
        $out[-1] | Should -Be '2'
    }
    It 'runs dpkg, apt-get and bash, and every installed file matches dpkg''s md5sums' {
        $out = Invoke-Debian ('cat /etc/debian_version; dpkg -l | grep -c "^ii"; dpkg -s bash | grep "^Status"; apt-get --version | head -n1; ' +
            'apt-get check >/dev/null && echo apt-check-ok; bash -c ''echo "bash $BASH_VERSION"''; ' +
            # docs, man pages and locales were left out at build (path-exclude): dpkg reports those as missing, nothing else.
            'dpkg --verify | grep -v "^missing " | head -n 20; echo verified')
        $out[0] | Should -Match '^12\.\d+$'
        [int]$out[1] | Should -BeGreaterThan 80
        $out | Should -Contain 'Status: install ok installed'
        @($out | Where-Object { $_ -match '^apt 2\.6\.\d+ \((amd64|arm64)\)$' }).Count | Should -Be 1
        $out | Should -Contain 'apt-check-ok'
        @($out | Where-Object { $_ -match '^bash 5\.2\.' }).Count | Should -Be 1
        # Anything dpkg --verify prints between bash and 'verified' is a file whose content or mode differs from the package's.
        $i = [array]::IndexOf($out, 'verified')
        $i | Should -BeGreaterThan 0
        $out[($i - 1)] | Should -BeLike 'bash 5.2.*'
    }
    It 'runs su from root to nobody (PAM, initgroups and setuid into the range)' {
        $out = Invoke-Debian 'su -s /bin/sh -c "id -un; id -u; id -g" nobody; echo "su=$?"'
        $out | Should -Be @('nobody', '65534', '65534', 'su=0')
    }
    It 'gives a setgid-shadow binary its group only with no_new_privs off: the bit and the group survived the mapping' {
        # As nobody, chage reads /etc/shadow (root:shadow 0640) only through its setgid shadow. no_new_privs (the
        # default) ignores the bit; switched off, the bit and the mapped group 42 make the read succeed.
        $probe = 'setpriv --reuid 65534 --regid 65534 --clear-groups /usr/bin/chage -l nobody >/dev/null 2>&1; echo "chage=$?"'
        Invoke-Debian $probe | Should -Be 'chage=1'
        Invoke-Debian $probe @{ SecurityOpt = 'no-new-privileges=false' } | Should -Be 'chage=0'
    }
    It 'removes the image and its layer, subordinate-owned 0700 directories included, leaving nothing in the range' {
        Remove-MiniImage rootless/debian:12 -Force -Confirm:$false
        @(Get-MiniImage | Where-Object { "$($_.Name)" -like '*rootless/debian*' }).Count | Should -Be 0
        Test-Path $layer[0] | Should -BeFalse
        @(Get-LayerNames | Where-Object { $_ -notin $layersBefore }).Count | Should -Be 0
        @(& find $stateRoot -xdev '(' -not -user $uid -o -not -group $gid ')' 2>&1).Count | Should -Be 0
    }
}
