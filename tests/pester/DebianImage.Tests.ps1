# A real Debian 12 minbase image (mmdebstrap, built once per machine by tests/tools/debian-image.sh; build.ps1 -Test
# and .ci/setup.sh build it, this suite only checks it: it runs in a network namespace without the mirror) run as
# root. The rootless side of the same image is tests/rootless/RootlessDebian.Tests.ps1.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # No silent skip: a missing or altered image fails every test here, saying how to build it.
    $script:tar = "$(& bash (Join-Path $PSScriptRoot '../tools/debian-image.sh') --check 2>&1)"
    $LASTEXITCODE | Should -Be 0 -Because $tar
    $script:image = "debian-$(New-TestName 'img'):12"
    Import-MiniImage $tar -Name $image -WarningAction SilentlyContinue | Out-Null
}

AfterAll {
    Remove-MiniImage $image -Force -Confirm:$false -ErrorAction SilentlyContinue
}

Describe 'A real Debian image, as root' {
    It 'runs it: /etc/debian_version is the tar''s, bash, dpkg and apt-get work, owners and setuid bits are Debian''s' {
        $expected = (& tar -xOf $tar ./etc/debian_version).Trim()
        $c = New-MiniContainer -Image $image -Command /bin/bash, -c, ('cat /etc/debian_version; stat -c "%n %u:%g %a" /etc/shadow /var/mail /usr/bin/su; ' +
            'dpkg -s apt | grep "^Status"; apt-get --version | head -n1; echo "bash ${BASH_VERSINFO[0]}"') -Name (New-TestName 'debian')
        try { $out = @($c | Start-MiniContainer -Wait 2>&1 | ForEach-Object { "$_" }) }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
        $expected | Should -Match '^12\.\d+$'
        $out[0] | Should -Be $expected
        $out | Should -Contain '/etc/shadow 0:42 640'
        $out | Should -Contain '/var/mail 0:8 2775'
        $out | Should -Contain '/usr/bin/su 0:0 4755'
        $out | Should -Contain 'Status: install ok installed'
        @($out | Where-Object { $_ -match '^apt 2\.6\.\d+ ' }).Count | Should -Be 1
        $out[-1] | Should -Be 'bash 5'
    }
}
