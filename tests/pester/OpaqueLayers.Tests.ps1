# Replaced directories (rm -rf, then mkdir) and deletions through diff, commit, save, export and import: overlayfs
# marks such a directory opaque instead of writing a whiteout per child, and every path that reads a layer must
# honour it, or a committed image brings the old files back. Also Copy-MiniContainerItem with fifos and devices.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-opaque-$PID"
    New-Item -ItemType Directory -Force $work | Out-Null
    # Two hand-built layers: /etc/foo with old1, old2 and sub/deep, and /etc/keep; then a layer that replaces
    # /etc/foo (.wh..wh..opq, then new) and deletes /etc/keep (.wh.keep).
    $script:archive = Join-Path $work 'opaque.tar'
    python3 (Join-Path $PSScriptRoot '../tools/New-OpaqueImage.py') $env:MINIDOCKER_TEST_ROOTFS $archive
    $LASTEXITCODE | Should -Be 0
    # The same /etc/foo in one layer: what a container replaces.
    $script:baseTar = Join-Path $work 'base.tar'
    $base = Join-Path $work 'base'
    Copy-Item -Recurse $env:MINIDOCKER_TEST_ROOTFS $base
    New-Item -ItemType Directory -Force "$base/etc/foo/sub" | Out-Null
    foreach ($f in 'old1', 'old2', 'sub/deep') { Set-Content "$base/etc/foo/$f" 'old' }
    tar -C $base -cf $baseTar .
    Import-MiniImage $baseTar -Name opaque/base | Out-Null

    function Invoke-Image([string]$Image, [string]$Script) {
        $c = New-MiniContainer -Image $Image -Command sh, -c, $Script -Name (New-TestName 'opq') -Network none
        $out = @(Start-MiniContainer -InputObject $c -Wait)
        Remove-MiniContainer -InputObject $c -Force -Confirm:$false
        [string[]]$out
    }
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'A directory the container replaced (rm -rf, then mkdir)' {
    BeforeAll {
        $script:c = New-MiniContainer -Image opaque/base -Command sh, -c, 'rm -rf /etc/foo; mkdir -p /etc/foo/sub; echo new > /etc/foo/new; echo x > /etc/foo/sub/x; rm /etc/os-release' -Name (New-TestName 'replace') -Network none
        Start-MiniContainer -InputObject $c -Wait | Out-Null
    }
    AfterAll { Remove-MiniContainer -InputObject $c -Force -Confirm:$false -ErrorAction SilentlyContinue }

    It 'the upper layer holds it as an opaque directory, no whiteout per child (what the rest relies on)' {
        $foo = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)/upper/etc/foo"
        python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' $foo | Should -Be 'y'
        @(Get-ChildItem -Force -Name $foo | Sort-Object) | Should -Be @('new', 'sub')
    }

    It 'Get-MiniContainerChange lists each old entry as Deleted and the new ones as Added' {
        $changes = @(Get-MiniContainerChange -InputObject $c | ForEach-Object { "$($_.Kind) $($_.Path)" })
        $changes | Should -Be @(
            'Changed /etc', 'Changed /etc/foo', 'Added /etc/foo/new', 'Deleted /etc/foo/old1', 'Deleted /etc/foo/old2',
            'Changed /etc/foo/sub', 'Deleted /etc/foo/sub/deep', 'Added /etc/foo/sub/x', 'Deleted /etc/os-release')
    }

    It 'ConvertTo-MiniImage keeps the replacement: a container of the new image sees only the new files' {
        $i = ConvertTo-MiniImage -InputObject $c -ImageName opaque/committed
        try {
            Invoke-Image opaque/committed 'ls -A /etc/foo /etc/foo/sub; cat /etc/foo/new; ls /etc/os-release 2>&1 | grep -c "No such"' |
                Should -Be @('/etc/foo:', 'new', 'sub', '', '/etc/foo/sub:', 'x', 'new', '1')
            # The saved image carries the marker in its top layer, as docker load and every registry client read it.
            $saved = Join-Path $work 'committed.tar'
            $i | Save-MiniImage -Path $saved -Format DockerArchive | Out-Null
            $x = Join-Path $work 'committed'
            New-Item -ItemType Directory -Force $x | Out-Null
            tar -C $x -xf $saved
            $top = (Get-Content -Raw "$x/manifest.json" | ConvertFrom-Json)[0].Layers[-1]
            $list = @(tar -tf (Join-Path $x $top))
            $list | Should -Contain 'etc/foo/.wh..wh..opq'
            $list | Should -Contain 'etc/.wh.os-release'
            $list | Should -Contain 'etc/foo/sub/x'
            $list | Where-Object { $_ -match 'old|deep' } | Should -BeNullOrEmpty
        }
        finally { Remove-MiniImage opaque/committed -Force -Confirm:$false }
    }

    It 'Export-MiniContainer writes what the container saw: no old file of the replaced directory' {
        $tar = Join-Path $work 'export.tar'
        Export-MiniContainer -InputObject $c -Path $tar | Out-Null
        $list = @(tar -tf $tar)
        $list | Should -Contain 'etc/foo/new'
        $list | Should -Contain 'etc/foo/sub/x'
        $list | Where-Object { $_ -match '^etc/foo/(old|sub/deep)|\.wh\.' } | Should -BeNullOrEmpty
    }
}

Describe 'Import-MiniImage of a layer carrying .wh..wh..opq' {
    It 'hides the lower layer''s contents of the directory, and .wh.NAME the one file' {
        Import-MiniImage $archive -Name opaque/imported | Out-Null
        try {
            Invoke-Image opaque/imported 'ls -A /etc/foo; ls /etc/keep 2>&1 | grep -c "No such"' | Should -Be @('new', '1')
            # The container's own diff starts empty, and a commit of it keeps the directory replaced.
            $c = New-MiniContainer -Image opaque/imported -Command sh, -c, 'echo more > /etc/foo/more' -Name (New-TestName 'imp') -Network none
            Start-MiniContainer -InputObject $c -Wait | Out-Null
            @(Get-MiniContainerChange -InputObject $c | ForEach-Object { "$($_.Kind) $($_.Path)" }) | Should -Be @('Changed /etc', 'Changed /etc/foo', 'Added /etc/foo/more')
            $tar = Join-Path $work 'imported-export.tar'
            Export-MiniContainer -InputObject $c -Path $tar | Out-Null
            @(tar -tf $tar | Where-Object { $_ -like 'etc/foo/?*' } | Sort-Object) | Should -Be @('etc/foo/more', 'etc/foo/new')
            Remove-MiniContainer -InputObject $c -Confirm:$false
        }
        finally { Remove-MiniImage opaque/imported -Force -Confirm:$false }
    }
}

Describe 'Import-MiniImage of a whiteout of a whiteout' {
    It 'refuses .wh..wh.NAME with ImageEntryUnsafe and leaves no image or layer' {
        # The kernel would read the device it makes as hiding ".wh.NAME"; fuse-overlayfs as hiding NAME.
        $tar = Join-Path $work 'wh-wh.tar'
        python3 -c 'import io,sys,tarfile
with tarfile.open(sys.argv[1], "w") as t:
    d = tarfile.TarInfo("etc"); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
    t.addfile(tarfile.TarInfo("etc/.wh..wh.passwd"), io.BytesIO(b""))' $tar
        $images = @(Get-MiniImage).Count
        $layers = @(Get-ChildItem -Force (Join-Path $env:MINIDOCKER_ROOT 'layers')).Count
        Import-MiniImage $tar -Name opaque/whwh -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageEntryUnsafe,*'
        "$($err[0])" | Should -BeLike '*may not name another whiteout*'
        @(Get-MiniImage).Count | Should -Be $images
        @(Get-ChildItem -Force (Join-Path $env:MINIDOCKER_ROOT 'layers')).Count | Should -Be $layers
    }
}

Describe 'A lower folder with the kernel''s xattr whiteouts (overlay.opaque=x, overlay.whiteout)' {
    It 'Export-MiniContainer and the container agree: the whiteout file is no content' {
        # Linux 6.8+: a zero-size file with trusted.overlay.whiteout in a directory marked trusted.overlay.opaque=x is a whiteout.
        $folder = Join-Path $work 'xwhiteout'
        Copy-Item -Recurse $env:MINIDOCKER_TEST_ROOTFS $folder
        New-Item -ItemType Directory "$folder/data" | Out-Null
        Set-Content "$folder/data/real" 'real'
        New-Item -ItemType File "$folder/data/gone" | Out-Null
        python3 -c 'import os,sys; d=sys.argv[1]; os.setxattr(d, "trusted.overlay.opaque", b"x"); os.setxattr(d + "/gone", "trusted.overlay.whiteout", b"")' "$folder/data"
        # What the kernel's lookup says exists (its readdir may still list the whiteout's name).
        $c = New-MiniContainer $folder sh, -c, 'echo n > /data/new; for f in gone new real; do test -e /data/$f && echo $f; done' -Name (New-TestName 'xwh') -Network none
        $seen = @(Start-MiniContainer -InputObject $c -Wait)
        $kernel = [Environment]::OSVersion.Version
        if ($kernel -lt [Version]'6.8') { Remove-MiniContainer -InputObject $c -Confirm:$false; Set-ItResult -Skipped -Because "kernel $kernel has no xattr whiteouts"; return }
        $seen | Should -Be @('new', 'real')
        $tar = Join-Path $work 'xwh.tar'
        Export-MiniContainer -InputObject $c -Path $tar | Out-Null
        @(tar -tf $tar | Where-Object { $_ -like 'data/?*' } | Sort-Object) | Should -Be @('data/new', 'data/real')
        Remove-MiniContainer -InputObject $c -Confirm:$false
    }
}

Describe 'Copy-MiniContainerItem with fifos, devices and sockets' {
    It 'copies a fifo out and in (as docker cp''s tar carries it) and warns about each device it skips' {
        $c = New-MiniContainer -Image opaque/base -Command sh, -c, 'mkdir /tmp/special; mkfifo -m 640 /tmp/special/pipe; mknod /tmp/special/null c 1 3; echo f > /tmp/special/file; sleep 300' -Name (New-TestName 'cp') -Network none |
            Start-MiniContainer -PassThru
        try {
            Wait-Until { (Invoke-MiniContainer -InputObject $c -Command sh, -c, 'ls /tmp/special/file 2>/dev/null') -eq '/tmp/special/file' } | Should -BeTrue
            $out = Join-Path $work 'cp-out'
            New-Item -ItemType Directory $out | Out-Null
            Copy-MiniContainerItem -InputObject $c -Path /tmp/special -Destination $out -WarningVariable warned -WarningAction SilentlyContinue
            stat -c '%F %a' "$out/special/pipe" | Should -Be 'fifo 640'
            Get-Content "$out/special/file" | Should -Be 'f'
            Test-Path "$out/special/null" | Should -BeFalse
            @($warned).Count | Should -Be 1
            "$($warned[0])" | Should -BeLike "*'/tmp/special/null'*character device*"
            # Into the container: a host fifo is made there, never opened (opening it waited for a writer forever).
            $in = Join-Path $work 'cp-in'
            New-Item -ItemType Directory $in | Out-Null
            mkfifo -m 600 "$in/hostpipe"
            Set-Content "$in/hostfile" 'h'
            Copy-MiniContainerItem -InputObject $c -Path $in -Destination /tmp -ToContainer
            Invoke-MiniContainer -InputObject $c -Command sh, -c, 'stat -c "%F %a" /tmp/cp-in/hostpipe; cat /tmp/cp-in/hostfile' | Should -Be @('fifo 600', 'h')
        }
        finally { Remove-MiniContainer -InputObject $c -Force -Confirm:$false }
    }
}
