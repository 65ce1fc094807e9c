# Images: real formats made by real tools (tar, umoci, skopeo), a crafted hostile-tar suite, overlay
# isolation, volumes and tmpfs, export and save-as-image. Every test runs real containers.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-images-$PID"
    $script:sentinel = Join-Path ([IO.Path]::GetTempPath()) "minidocker-sentinel-$PID"
    New-Item -ItemType Directory -Force $work, $sentinel | Out-Null
    Set-Content (Join-Path $sentinel 'keep') 'untouched'
    $script:layers = Join-Path $env:MINIDOCKER_ROOT 'layers'

    # An Alpine-style minirootfs: the busybox-static test rootfs as a .tar.gz made by tar.
    $script:minirootfs = Join-Path $work 'minirootfs.tar.gz'
    tar -C $env:MINIDOCKER_TEST_ROOTFS -czf $minirootfs .
    Import-MiniImage $minirootfs -Name mini:test | Out-Null

    & python3 (Join-Path $PSScriptRoot '../tools/New-HostileTars.py') (Join-Path $work 'hostile') $sentinel
    $script:hostile = Join-Path $work 'hostile'

    function Get-Snapshot([string[]]$Path = @($sentinel, $work, [IO.Path]::GetTempPath())) {
        # What an escaping import would change: the sentinel dir, the test's work dir, the top of /tmp.
        @(Get-ChildItem -Force ($Path | Select-Object -First 2) -Recurse -ErrorAction SilentlyContinue) + @(if ($Path.Count -gt 2) { Get-ChildItem -Force $Path[2] -Filter '*pwned*' }) |
            ForEach-Object { "$($_.FullName)|$($_.Length)|$($_.LastWriteTimeUtc.Ticks)" } | Join-String -Separator "`n"
    }
    function Get-StoreState {
        [pscustomobject]@{
            Images = @(Get-MiniImage).Count
            Layers = @(Get-ChildItem -Force $layers -ErrorAction SilentlyContinue).Count
        }
    }
    function Invoke-ImageContainer([string]$Image, [string[]]$Command, [hashtable]$Options = @{}) {
        $c = New-MiniContainer -Image $Image -Command $Command -Name (New-TestName 'img') @Options
        $out = @(Start-MiniContainer -InputObject $c -Wait 2>$null)
        Remove-MiniContainer -InputObject $c -Force -Confirm:$false
        [string[]]$out
    }
    # umoci + skopeo build an OCI layout (two layers, a deleted file and a replaced dir) and a docker save archive.
    $script:haveTools = [bool]((Get-Command umoci -ErrorAction SilentlyContinue) -and (Get-Command skopeo -ErrorAction SilentlyContinue))
    if ($haveTools) {
        $oci = Join-Path $work 'oci'; $bundle = Join-Path $work 'bundle'
        umoci init --layout $oci
        umoci new --image "${oci}:base"
        umoci unpack --image "${oci}:base" $bundle 2>$null
        cp -a (Join-Path $env:MINIDOCKER_TEST_ROOTFS '.') (Join-Path $bundle 'rootfs/')
        New-Item -ItemType Directory -Force (Join-Path $bundle 'rootfs/data/sub') | Out-Null
        Set-Content (Join-Path $bundle 'rootfs/data/keep') 'keep'
        Set-Content (Join-Path $bundle 'rootfs/data/gone') 'gone'
        Set-Content (Join-Path $bundle 'rootfs/data/sub/old') 'old'
        umoci repack --refresh-bundle --image "${oci}:base" $bundle
        Remove-Item (Join-Path $bundle 'rootfs/data/gone')
        Remove-Item -Recurse (Join-Path $bundle 'rootfs/data/sub')
        New-Item -ItemType Directory (Join-Path $bundle 'rootfs/data/sub') | Out-Null
        Set-Content (Join-Path $bundle 'rootfs/data/sub/new') 'new'
        umoci repack --refresh-bundle --image "${oci}:base" $bundle
        umoci config --image "${oci}:base" --config.cmd sh --config.cmd=-c '--config.cmd=echo "$FOO in $(pwd)"; ls /data /data/sub' --config.env FOO=bar --config.workingdir /data
        $script:ociDir = $oci
        $script:ociTar = Join-Path $work 'oci.tar'
        tar -C $oci -cf $ociTar .
        $script:dockerTar = Join-Path $work 'docker.tar'
        skopeo copy --quiet "oci:${oci}:base" "docker-archive:${dockerTar}:made/by-skopeo:latest" 2>&1 | Out-Null
    }
    $script:before = Get-Snapshot
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
    Remove-Item -Recurse -Force $work, $sentinel -ErrorAction SilentlyContinue
}

Describe 'Import-MiniImage reads the formats images come in' {
    It 'imports an Alpine-style minirootfs .tar.gz and runs it' {
        $i = Get-MiniImage -Name mini:test
        $i.Name | Should -Be 'mini'
        $i.Tag | Should -Be 'test'
        $i.Id | Should -Match '^[0-9a-f]{64}$'
        $i.Size | Should -BeGreaterThan 500KB
        Invoke-ImageContainer mini:test 'sh', '-c', 'readlink /bin/sh; cat /etc/os-release | head -1' | Should -Be @('/bin/busybox', 'NAME="MiniDocker test rootfs"')
    }

    It 'imports a rootfs folder' {
        $i = Import-MiniImage $env:MINIDOCKER_TEST_ROOTFS -Name folder/rootfs
        $i.ToString() | Should -Be 'folder/rootfs:latest'
        Invoke-ImageContainer folder/rootfs 'sh', '-c', 'echo from-folder; ls /bin/mdtest' | Should -Be @('from-folder', '/bin/mdtest')
        Remove-MiniImage folder/rootfs -Confirm:$false
    }

    It 'imports <Case> made by umoci/skopeo, applies whiteouts and the config''s Cmd, Env and WorkingDir' -TestCases @(
        @{ Case = 'an OCI layout folder'; Var = 'ociDir' }
        @{ Case = 'an OCI layout tar'; Var = 'ociTar' }
        @{ Case = 'a docker save archive'; Var = 'dockerTar' }
    ) {
        param($Case, $Var)
        if (-not $haveTools) { Set-ItResult -Skipped -Because 'umoci and skopeo are not installed (.ci/setup.sh installs them)'; return }
        $name = "fmt-" + ($Var.ToLower())
        $i = Import-MiniImage (Get-Variable $Var -ValueOnly) -Name $name
        $i.Layers.Count | Should -Be 2
        $i.Config.WorkingDir | Should -Be '/data'
        # "gone" was deleted and "sub" replaced in the upper layer: .wh.gone and an opaque sub.
        $c = New-MiniContainer -Image $name -Name (New-TestName 'fmt')
        $out = @(Start-MiniContainer -InputObject $c -Wait)
        Remove-MiniContainer -InputObject $c
        $out | Should -Be @('bar in /data', '/data:', 'keep', 'sub', '', '/data/sub:', 'new')
        Remove-MiniImage $name -Confirm:$false
    }

    It 'stores a layer once however many images have it' {
        if (-not $haveTools) { Set-ItResult -Skipped -Because 'umoci and skopeo are not installed'; return }
        $a = Import-MiniImage $ociTar -Name shared/a
        $b = Import-MiniImage $dockerTar -Name shared/b
        $a.Layers.DiffId | Should -Be $b.Layers.DiffId
        foreach ($l in $a.Layers) { @(Get-ChildItem $layers -Filter $l.DiffId).Count | Should -Be 1 }
        Remove-MiniImage shared/a -Confirm:$false
        foreach ($l in $b.Layers) { Join-Path $layers $l.DiffId | Should -Exist }   # b still needs them
        Remove-MiniImage shared/b -Confirm:$false
        foreach ($l in $b.Layers) { Join-Path $layers $l.DiffId | Should -Not -Exist }
    }

    It 'sizes a layer it already stores from the first import, never through a symlink out of the layer' {
        # A docker save folder whose one layer holds a file and x -> an absolute host path: a host directory
        # with 1 MiB in it here (with x -> /usr/lib, sizing through the link walked the host for many minutes).
        # Outside $work: the hostile-tar tests compare $work before and after.
        $dir = Join-Path ([IO.Path]::GetTempPath()) "minidocker-symlink-out-$PID"
        New-Item -ItemType Directory "$dir/rootfs", "$dir/host" | Out-Null
        try {
            [IO.File]::WriteAllBytes("$dir/host/big", [byte[]]::new(1MB))
            Set-Content "$dir/rootfs/file" 'data'
            chmod 755 "$dir/rootfs/file"   # a command a container can be created with
            New-Item -ItemType SymbolicLink -Path "$dir/rootfs/x" -Target "$dir/host" | Out-Null
            tar -C "$dir/rootfs" -cf "$dir/layer.tar" .
            $diffId = (Get-FileHash "$dir/layer.tar" -Algorithm SHA256).Hash.ToLowerInvariant()
            @{ rootfs = @{ type = 'layers'; diff_ids = @("sha256:$diffId") }; config = @{ Cmd = @('sh') } } | ConvertTo-Json -Depth 4 | Set-Content "$dir/config.json"
            ConvertTo-Json -Depth 4 -InputObject @(@{ Config = 'config.json'; Layers = @('layer.tar') }) | Set-Content "$dir/manifest.json"
            $first = Import-MiniImage $dir -Name symlink/out:one
            $first.Size | Should -Be 5   # "data\n": the symlink counts nothing
            (Import-MiniImage $dir -Name symlink/out:two).Size | Should -Be $first.Size
            # No image record left to take the size from (a container keeps the layer): counted in the layer, still 5.
            $c = New-MiniContainer -Image symlink/out:one -Command /file -Name (New-TestName 'keeplayer')
            Get-MiniImage symlink/out* | Remove-MiniImage -Force -Confirm:$false
            Join-Path $layers $diffId | Should -Exist
            (Import-MiniImage $dir -Name symlink/out:three).Size | Should -Be 5
            Remove-MiniContainer -InputObject $c -Force -Confirm:$false
            Remove-MiniImage symlink/out:three -Confirm:$false
        }
        finally { Remove-Item -Recurse -Force $dir }
    }

    It 'lists images with wildcards, one object per tag' {
        Import-MiniImage $minirootfs -Name wild/one:a | Out-Null
        Import-MiniImage $minirootfs -Name wild/two:b | Out-Null
        Get-MiniImage -Name 'wild/*' | ForEach-Object ToString | Sort-Object | Should -Be @('wild/one:a', 'wild/two:b')
        Get-MiniImage -Name 'wild/*' | Remove-MiniImage -Confirm:$false
        Get-MiniImage -Name 'wild/*' | Should -BeNullOrEmpty
    }

    It 'refuses <Case> with <ErrorId>' -TestCases @(
        @{ Case = 'a missing path'; Path = '/nonexistent/image.tar'; Name = 'x'; ErrorId = 'ImageSourceNotFound' }
        @{ Case = 'a bad name'; Path = '/'; Name = 'Bad Name!'; ErrorId = 'InvalidImageName' }
    ) {
        param($Case, $Path, $Name, $ErrorId)
        $err = $null
        Import-MiniImage $Path -Name $Name -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
    }
}

Describe 'Extraction is hostile-input code' {
    It 'refuses <File> with <ErrorId>, leaving no image, no stray file and nothing outside changed' -TestCases @(
        @{ File = 'dotdot.tar'; ErrorId = 'ImageEntryUnsafe' }
        @{ File = 'dotdot-inner.tar'; ErrorId = 'ImageEntryUnsafe' }
        @{ File = 'hardlink-out.tar'; ErrorId = 'ImageEntryUnsafe' }
        @{ File = 'hardlink-missing.tar'; ErrorId = 'ImageEntryUnsafe' }
        @{ File = 'hardlink-via-symlink.tar'; ErrorId = 'ImageEntryUnsafe' }
        @{ File = 'symlink-dangling.tar'; ErrorId = 'ImageEntryUnsafe' }
        @{ File = 'whiteout-dotdot.tar'; ErrorId = 'ImageEntryUnsafe' }
        @{ File = 'long-name.tar'; ErrorId = 'ImageEntryNameTooLong' }
        @{ File = 'truncated-mid.tar'; ErrorId = 'ImageArchiveInvalid' }
        @{ File = 'truncated-boundary.tar'; ErrorId = 'ImageArchiveInvalid' }
        @{ File = 'truncated.tar.gz'; ErrorId = 'ImageArchiveInvalid' }
        @{ File = 'not-a-tar.tar'; ErrorId = 'ImageArchiveInvalid' }
        @{ File = 'text.tar'; ErrorId = 'ImageArchiveInvalid' }
        @{ File = 'empty.tar'; ErrorId = 'ImageArchiveInvalid' }
    ) {
        param($File, $ErrorId)
        $store = Get-StoreState
        $err = $null
        $i = Import-MiniImage (Join-Path $hostile $File) -Name hostile -ErrorVariable err -ErrorAction SilentlyContinue
        $i | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        (Get-StoreState).Images | Should -Be $store.Images
        (Get-StoreState).Layers | Should -Be $store.Layers
        @(Get-ChildItem -Force $layers -Filter '.tmp-*') | Should -BeNullOrEmpty
        Get-Snapshot | Should -Be $before
        Test-Path (Join-Path ([IO.Path]::GetTempPath()) 'escaped-dotdot') | Should -BeFalse
    }

    It 'confines absolute paths and symlink-then-write inside the layer' {
        $i = Import-MiniImage (Join-Path $hostile 'absolute.tar') -Name confined/abs
        Join-Path $layers $i.Layers[0].DiffId 'abs-file' | Should -Exist
        $j = Import-MiniImage (Join-Path $hostile 'symlink-write.tar') -Name confined/link
        $layer = Join-Path $layers $j.Layers[0].DiffId
        # evil -> /tmp (absolute) and up -> ../../.. resolve inside the layer root, not on the host.
        $leaf = Split-Path -Leaf $sentinel
        Join-Path $layer "tmp/pwned-$leaf" | Should -Exist
        Join-Path $layer "tmp/pwned-up-$leaf" | Should -Exist
        Join-Path ([IO.Path]::GetTempPath()) "pwned-$leaf" | Should -Not -Exist
        (Get-Item (Join-Path $layer 'evil')).LinkTarget | Should -Be '/tmp'
        Get-Snapshot | Should -Be $before
        Remove-MiniImage confined/abs, confined/link -Confirm:$false
    }

    It 'skips device nodes with a warning' {
        $warn = $null
        $i = Import-MiniImage (Join-Path $hostile 'devices.tar') -Name confined/dev -WarningVariable warn -WarningAction SilentlyContinue
        $warn.Count | Should -Be 2
        $warn[0] | Should -Match 'device node'
        @(Get-ChildItem (Join-Path $layers $i.Layers[0].DiffId 'stuff')).Name | Should -Be @('ok')
        Remove-MiniImage confined/dev -Confirm:$false
    }

    It 'keeps setuid bits, owners, hardlinks and security.capability; drops other xattrs; the layer store is root-only' {
        $i = Import-MiniImage (Join-Path $hostile 'preserve.tar') -Name preserve
        $layer = Join-Path $layers $i.Layers[0].DiffId
        # The image has no shell: look at the layer itself.
        (stat -c '%a' (Join-Path $layer 'opt/suid')) | Should -Be '4755'
        (stat -c '%u:%g %a' (Join-Path $layer 'opt/owned')) | Should -Be '1234:5678 640'
        (stat -c '%u:%g %a' (Join-Path $layer 'opt')) | Should -Be '1234:5678 750'
        (stat -c '%i %h' (Join-Path $layer 'opt/first')) | Should -Be (stat -c '%i %h' (Join-Path $layer 'opt/second'))
        (stat -c '%h' (Join-Path $layer 'opt/first')) | Should -Be '2'
        $xattrs = python3 -c "import os,sys; p=sys.argv[1]; print(' '.join(sorted(os.listxattr(p, follow_symlinks=False)))); print(os.getxattr(p, 'security.capability').hex())" (Join-Path $layer 'opt/pinger')
        $xattrs[0] | Should -Be 'security.capability'
        $xattrs[1] | Should -Be '0100000200200000000000000000000000000000'
        (stat -c '%a %U' $layers) | Should -Be '700 root'
        Remove-MiniImage preserve -Confirm:$false
    }
}

Describe 'Containers from images: overlay layers' {
    It 'gives two containers from one image separate writable layers and leaves the image untouched' {
        $image = Get-MiniImage mini:test
        $layer = Join-Path $layers $image.Layers[0].DiffId
        $before = Get-Content (Join-Path $layer 'etc/os-release') -Raw
        $a = New-MiniContainer -Image mini:test -Command sh, -c, 'echo a > /shared; echo changed > /etc/os-release; sleep 0.3; cat /shared /etc/os-release' -Name (New-TestName)
        $b = New-MiniContainer -Image mini:test -Command sh, -c, 'echo b > /shared; sleep 0.3; cat /shared; head -1 /etc/os-release' -Name (New-TestName)
        Start-MiniContainer -InputObject $a, $b | Out-Null
        $a, $b | Wait-MiniContainer | Out-Null
        @(Get-MiniContainerLog -InputObject $a).Text | Should -Be @('a', 'changed')
        @(Get-MiniContainerLog -InputObject $b).Text | Should -Be @('b', 'NAME="MiniDocker test rootfs"')
        Get-Content (Join-Path $layer 'etc/os-release') -Raw | Should -Be $before
        Join-Path $layer 'shared' | Should -Not -Exist
        $dirs = $a, $b | ForEach-Object { Join-Path $env:MINIDOCKER_ROOT "containers/$($_.Id)" }
        $a, $b | Remove-MiniContainer
        $dirs | ForEach-Object { $_ | Should -Not -Exist }
        Get-Content /proc/self/mountinfo | Where-Object { $_ -match [regex]::Escape($env:MINIDOCKER_ROOT) } | Should -BeNullOrEmpty
    }

    It 'refuses an image without Cmd or Entrypoint when no command is given' {
        $err = { New-MiniContainer -Image mini:test } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'EmptyCommand,*'
    }

    It 'refuses both -Image and -RootFs' {
        $err = { New-MiniContainer -Image mini:test -RootFs $env:MINIDOCKER_TEST_ROOTFS -Command sh } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AmbiguousParameterSet,*'
    }

    It 'refuses <Case> with <ErrorId>' -TestCases @(
        @{ Case = 'an unknown image'; Params = @{ Image = 'no/such:image'; Command = 'sh'; Pull = 'Never' }; ErrorId = 'ImageNotFound' }   # Never: the test stays offline
        @{ Case = 'a command not in the image'; Params = @{ Image = 'mini:test'; Command = 'nosuchcmd' }; ErrorId = 'CommandNotFound' }
        @{ Case = 'a missing volume source'; Params = @{ Image = 'mini:test'; Command = 'sh'; Volume = '/nonexistent/dir:/data' }; ErrorId = 'VolumeSourceNotFound' }
        @{ Case = 'a relative volume target'; Params = @{ Image = 'mini:test'; Command = 'sh'; Volume = '/tmp:data' }; ErrorId = 'InvalidMountTarget' }
        @{ Case = 'a volume target with ..'; Params = @{ Image = 'mini:test'; Command = 'sh'; Volume = '/tmp:/a/../..' }; ErrorId = 'InvalidMountTarget' }
        @{ Case = 'a malformed volume'; Params = @{ Image = 'mini:test'; Command = 'sh'; Volume = '/tmp:/a:rx' }; ErrorId = 'InvalidVolume' }
    ) {
        param($Case, $Params, $ErrorId)
        $err = { New-MiniContainer @Params } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
    }

    It 'refuses to remove an image a container uses, unless -Force; the container keeps its layers' {
        Import-MiniImage $minirootfs -Name inuse | Out-Null
        $c = New-MiniContainer -Image inuse -Command sh, -c, 'echo still-runs' -Name (New-TestName)
        $err = $null
        Remove-MiniImage inuse -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ImageInUse,*'
        Remove-MiniImage inuse -Force -Confirm:$false
        Get-MiniImage -Name inuse -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Start-MiniContainer -InputObject $c -Wait | Should -Be 'still-runs'
        $layer = $c.Layers[0]
        Remove-MiniContainer -InputObject $c
        if (-not (Get-MiniImage | Where-Object { $_.Layers.DiffId -contains (Split-Path -Leaf $layer) })) { $layer | Should -Not -Exist }
    }
}

Describe 'Volumes and tmpfs' {
    It 'binds a host directory read-write and read-only' {
        $rw = Join-Path $work 'vol-rw'; $ro = Join-Path $work 'vol-ro'
        New-Item -ItemType Directory -Force $rw, $ro | Out-Null
        Set-Content (Join-Path $ro 'in') 'from-host'
        $out = Invoke-ImageContainer mini:test 'sh', '-c', 'echo from-container > /mnt/rw/out; cat /mnt/ro/in; (echo x > /mnt/ro/new) 2>/dev/null || echo ro-refused' -Options @{ Volume = "${rw}:/mnt/rw", "${ro}:/mnt/ro:ro" }
        $out | Should -Be @('from-host', 'ro-refused')
        Get-Content (Join-Path $rw 'out') | Should -Be 'from-container'
        Join-Path $ro 'new' | Should -Not -Exist
    }

    It 'mounts a tmpfs' {
        $out = Invoke-ImageContainer mini:test 'sh', '-c', 'grep " /scratch " /proc/mounts | cut -d" " -f1-3; echo hi > /scratch/f && cat /scratch/f' -Options @{ Tmpfs = '/scratch' }
        $out | Should -Be @('tmpfs /scratch tmpfs', 'hi')
    }

    It 'resolves a volume target through a symlink inside the rootfs, never to the host path it names' {
        # The container's own layer gets /link -> SENTINEL (absolute): the target must stay inside the rootfs.
        $c = New-MiniContainer -Image mini:test -Command sh, -c, "ln -s $sentinel /link" -Name (New-TestName)
        Start-MiniContainer -InputObject $c -Wait | Out-Null
        $vol = Join-Path $work 'vol-link'
        New-Item -ItemType Directory -Force $vol | Out-Null
        Set-Content (Join-Path $vol 'marker') 'volume'
        ConvertTo-MiniImage -InputObject $c -ImageName linked | Out-Null
        Remove-MiniContainer -InputObject $c
        $hostSide = Get-Snapshot $sentinel
        $out = Invoke-ImageContainer linked 'sh', '-c', "cat /link/sub/marker; ls $sentinel" -Options @{ Volume = "${vol}:/link/sub" }
        $out | Should -Be @('volume', 'sub')
        Get-Snapshot $sentinel | Should -Be $hostSide -Because 'nothing may appear in the host directory the symlink names'
        Remove-MiniImage linked -Confirm:$false
    }
}

Describe 'Export-MiniContainer and ConvertTo-MiniImage' {
    It 'exports the merged filesystem with the container''s changes and deletions applied' {
        $c = New-MiniContainer -Image mini:test -Command sh, -c, 'echo new > /added; rm /etc/os-release; mkdir -p /d/e' -Name (New-TestName)
        Start-MiniContainer -InputObject $c -Wait | Out-Null
        $tar = Join-Path $work 'export.tar'
        Export-MiniContainer -InputObject $c -Path $tar | Out-Null
        $list = tar -tf $tar
        $list | Should -Contain 'added'
        $list | Should -Contain 'bin/busybox'
        $list | Should -Contain 'd/e/'
        $list | Should -Not -Contain 'etc/os-release'
        ($list | Where-Object { $_ -match '\.wh\.' }) | Should -BeNullOrEmpty
        tar -xOf $tar added | Should -Be 'new'
        (tar -tvf $tar bin/sh) | Should -Match 'bin/sh -> /bin/busybox'
        Remove-MiniContainer -InputObject $c
    }

    It 'saves a stopped container as an image whose new top layer carries its changes and deletions' {
        $c = New-MiniContainer -Image mini:test -Command sh, -c, 'echo saved > /etc/motd; rm /etc/os-release' -Name (New-TestName) -Environment @{ SAVED = 'yes' }
        Start-MiniContainer -InputObject $c -Wait | Out-Null
        $i = ConvertTo-MiniImage -InputObject $c -ImageName saved:v1
        $i.ToString() | Should -Be 'saved:v1'
        $i.Layers.Count | Should -Be 2
        $i.Layers[0].DiffId | Should -Be (Get-MiniImage mini:test).Layers[0].DiffId
        Remove-MiniContainer -InputObject $c
        Invoke-ImageContainer saved:v1 'sh', '-c', 'cat /etc/motd; ls /etc/os-release 2>&1 | grep -c "No such"; echo $SAVED' | Should -Be @('saved', '1', 'yes')
        Remove-MiniImage saved:v1 -Confirm:$false
    }

    It 'refuses to save a running container' {
        $c = New-MiniContainer -Image mini:test -Command sleep, 30 -Name (New-TestName)
        Start-MiniContainer -InputObject $c | Out-Null
        $err = $null
        ConvertTo-MiniImage -InputObject $c -ImageName running:x -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerRunning,*'
        Remove-MiniContainer -InputObject $c -Force
    }
}
