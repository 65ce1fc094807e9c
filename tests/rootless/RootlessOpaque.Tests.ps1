# Replaced directories and deletions in rootless mode, run AS mdrootless (Invoke-RootlessSuite.ps1 starts it through
# runuser), on both overlays a rootless container may get: the kernel's (mounted with userxattr: user.overlay.opaque)
# and fuse-overlayfs (its own user.fuseoverlayfs.opaque and .wh..wh..opq files in the upper dir). A user may not set
# trusted.* xattrs, so an imported opaque layer is marked user.overlay.opaque; a committed or exported layer carries
# the ids the container saw (0 for its root), not the host's subordinate ones.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:scratch = (Resolve-Path (Join-Path $env:XDG_DATA_HOME '..')).Path
    $script:stateRoot = (Get-MiniSystemInfo).StateRoot
    $script:tools = Join-Path $PSScriptRoot '../tools'
    # Layers are root's inside: made by tarfile and tar --owner, which need no privilege.
    $script:archive = Join-Path $scratch 'opaque.tar'
    python3 (Join-Path $tools 'New-OpaqueImage.py') $rootfs $archive
    $LASTEXITCODE | Should -Be 0
    $base = Join-Path $scratch 'opaque-base'
    & cp -a $rootfs $base
    New-Item -ItemType Directory -Force "$base/etc/foo/sub" | Out-Null
    foreach ($f in 'old1', 'old2', 'sub/deep') { Set-Content "$base/etc/foo/$f" 'old' }
    $script:baseTar = Join-Path $scratch 'opaque-base.tar'
    tar --owner=0 --group=0 --numeric-owner -C $base -cf $baseTar .
    $script:overlayBefore = $env:MINIDOCKER_ROOTLESS_OVERLAY

    function Invoke-Image([string]$Image, [string]$Script) {
        $c = New-MiniContainer -Image $Image -Command sh, -c, $Script -Network none
        $out = @(Start-MiniContainer -InputObject $c -Wait)
        Remove-MiniContainer -InputObject $c -Force -Confirm:$false
        [string[]]$out
    }
}

AfterAll {
    $env:MINIDOCKER_ROOTLESS_OVERLAY = $overlayBefore
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Get-MiniImage | Where-Object { "$($_.Name)" -like 'opaque/*' } | Remove-MiniImage -Force -Confirm:$false
}

Describe 'Rootless opaque directories on <Overlay>' -ForEach @(
    @{ Overlay = 'native' }
    @{ Overlay = 'fuse-overlayfs' }
) {
    BeforeAll {
        $env:MINIDOCKER_ROOTLESS_OVERLAY = $Overlay
        $script:tag = $Overlay -replace '[^a-z]', ''
        Import-MiniImage $baseTar -Name "opaque/base:$tag" | Out-Null
    }
    AfterAll {
        Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
        Get-MiniImage | Where-Object { "$($_.Name)" -like 'opaque/*' } | Remove-MiniImage -Force -Confirm:$false
    }

    It 'imports a layer carrying .wh..wh..opq (it was refused: a user may not set trusted.overlay.opaque) and hides the lower contents' {
        Import-MiniImage $archive -Name "opaque/imported:$tag" | Out-Null
        Invoke-Image "opaque/imported:$tag" 'ls -A /etc/foo; ls /etc/keep 2>&1 | grep -c "No such"' | Should -Be @('new', '1')
    }

    It 'rm -rf and mkdir over an image directory work (the kernel answered EIO without userxattr); diff, commit and export keep the replacement' {
        $c = New-MiniContainer -Image "opaque/base:$tag" -Command sh, -c, 'rm -rf /etc/foo && mkdir -p /etc/foo/sub && echo new > /etc/foo/new && echo x > /etc/foo/sub/x && rm /etc/os-release' -Network none
        try {
            @(Start-MiniContainer -InputObject $c -Wait 2>&1) | Should -BeNullOrEmpty
            (Get-MiniContainer -Id $c.Id).ExitCode | Should -Be 0
            @(Get-MiniContainerChange -InputObject $c | ForEach-Object { "$($_.Kind) $($_.Path)" }) | Should -Be @(
                'Changed /etc', 'Changed /etc/foo', 'Added /etc/foo/new', 'Deleted /etc/foo/old1', 'Deleted /etc/foo/old2',
                'Changed /etc/foo/sub', 'Deleted /etc/foo/sub/deep', 'Added /etc/foo/sub/x', 'Deleted /etc/os-release')
            ConvertTo-MiniImage -InputObject $c -ImageName "opaque/committed:$tag" | Out-Null
            # The container's root made /etc/foo: root's in the image too, as every file of the base (not the host's ids).
            Invoke-Image "opaque/committed:$tag" 'ls -A /etc/foo /etc/foo/sub; stat -c %u:%g /etc/foo /etc/foo/new /etc/passwd' |
                Should -Be @('/etc/foo:', 'new', 'sub', '', '/etc/foo/sub:', 'x', '0:0', '0:0', '0:0')
            $tar = Join-Path $scratch "export-$tag.tar"
            Export-MiniContainer -InputObject $c -Path $tar | Out-Null
            @(tar -tf $tar | Where-Object { $_ -like 'etc/foo/?*' } | Sort-Object) | Should -Be @('etc/foo/new', 'etc/foo/sub/', 'etc/foo/sub/x')
            @(tar --numeric-owner -tvf $tar etc/foo/new) | Should -Match '^-\S+ 0/0 '
        }
        finally { Remove-MiniContainer -InputObject $c -Force -Confirm:$false }
    }
}
