# Rootless for a user with no subordinate ids (Invoke-RootlessSuite.ps1 runs this AS mdrootless3): only container
# root is mapped (to the user), written by the helper itself with setgroups denied, and the user is warned.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:uid = [int](id -u)
    $script:gid = [int](id -g)
}

Describe 'Rootless without a subordinate range' {
    It 'has no range, and the system info says what only one mapped id means and how to add a range' {
        Select-String -Path /etc/subuid -Pattern "^$(id -un):" | Should -BeNullOrEmpty
        $info = Get-MiniSystemInfo
        $info.Mode | Should -Be 'rootless'
        $info.SubUidRange | Should -BeNullOrEmpty
        $info.IdMappingWarning | Should -BeLike '*no range in /etc/subuid*'
    }
    It 'runs with container root mapped to the user alone, setgroups denied, and warns at start' {
        $c = New-MiniContainer $rootfs /bin/sh, -c, 'id -u; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; echo x > /f; chown 1000 /f || echo nochown'
        try {
            $warnings = $null
            $out = @($c | Start-MiniContainer -Wait -WarningVariable warnings 2>&1 | ForEach-Object { "$_" })
            "$warnings" | Should -BeLike '*Only container root is mapped*'
            $out[0] | Should -Be '0'
            ($out[1] -split '\s+' -ne '') -join ' ' | Should -Be "0 $uid 1"
            ($out[2] -split '\s+' -ne '') -join ' ' | Should -Be "0 $gid 1"
            $out[3] | Should -Be 'deny'
            $out | Should -Contain 'nochown'
        }
        finally { $c | Remove-MiniContainer -Force -Confirm:$false }
    }
}
