# Registries: a real CNCF distribution registry (Debian's docker-registry) started by the test on
# 127.0.0.1 with a free port, its own config and storage in a temp dir; images made here as OCI
# layouts (gzip, zstd and plain layers, a multi-arch index) and pushed with skopeo; pulled with
# MiniDocker and run as real containers. Offline: loopback only.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "minidocker-registry-$PID"
    New-Item -ItemType Directory -Force $work | Out-Null
    $script:layers = Join-Path $env:MINIDOCKER_ROOT 'layers'
    # .ci/setup.sh installs these; a machine without them fails here rather than skipping silently.
    foreach ($tool in 'docker-registry', 'skopeo', 'htpasswd', 'zstd') {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "Registry.Tests.ps1 needs '$tool': run .ci/setup.sh." }
    }
    # Credentials only from files this test makes: never the user's ~/.docker or Podman's auth.json.
    $script:savedEnv = @{ DOCKER_CONFIG = $env:DOCKER_CONFIG; REGISTRY_AUTH_FILE = $env:REGISTRY_AUTH_FILE; XDG_RUNTIME_DIR = $env:XDG_RUNTIME_DIR }
    $env:DOCKER_CONFIG = Join-Path $work 'docker'
    $env:REGISTRY_AUTH_FILE = $null
    $env:XDG_RUNTIME_DIR = Join-Path $work 'xdg'
    New-Item -ItemType Directory -Force $env:XDG_RUNTIME_DIR | Out-Null
    $script:registries = [System.Collections.Generic.List[object]]::new()

    function Start-TestRegistry([string]$Name, [string]$Auth = '', [string]$Tls = '', [string]$Address = '127.0.0.1') {
        $dir = Join-Path $work $Name
        New-Item -ItemType Directory -Force (Join-Path $dir 'data') | Out-Null
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $config = Join-Path $dir 'config.yml'
        Set-Content $config @"
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
http: {addr: ${Address}:$port$Tls}
$Auth
"@
        $p = Start-Process docker-registry -ArgumentList 'serve', $config -RedirectStandardOutput (Join-Path $dir 'access.log') -RedirectStandardError (Join-Path $dir 'error.log') -PassThru
        $registries.Add($p)
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($true) {
            $client = [Net.Sockets.TcpClient]::new()
            try { $client.Connect($Address, $port); break } catch { if ([DateTime]::UtcNow -gt $deadline -or $p.HasExited) { throw "docker-registry did not start: $(Get-Content -Raw (Join-Path $dir 'error.log'))" }; Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
        }
        [pscustomobject]@{ Process = $p; Host = "${Address}:$port"; Dir = $dir; Data = Join-Path $dir 'data/docker/registry/v2' }
    }

    # The token server and the redirecting proxy (tests/tools/registry-helper.py); returns the ports it listens on.
    function Start-TestHelper([string[]]$Arguments) {
        $portFile = Join-Path $work "helper-$([guid]::NewGuid().ToString('n')).port"
        $p = Start-Process python3 -ArgumentList (@((Join-Path $PSScriptRoot '../tools/registry-helper.py')) + $Arguments + @('--port-file', $portFile)) -PassThru -RedirectStandardError "$portFile.err"
        $registries.Add($p)
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (Test-Path $portFile)) {
            if ([DateTime]::UtcNow -gt $deadline -or $p.HasExited) { throw "registry-helper.py $($Arguments[0]) did not start: $(Get-Content -Raw "$portFile.err" -ErrorAction SilentlyContinue)" }
            Start-Sleep -Milliseconds 100
        }
        [int[]]((Get-Content -Raw $portFile).Trim() -split ' ')
    }

    # ---- OCI layouts made by hand: every byte known, any compression, any platform.
    function Get-Sha256([string]$Path) { (Get-FileHash -Algorithm SHA256 $Path).Hash.ToLowerInvariant() }
    function Add-Blob([string]$Layout, [string]$File) {
        $hex = Get-Sha256 $File
        $dir = Join-Path $Layout 'blobs/sha256'
        New-Item -ItemType Directory -Force $dir | Out-Null
        Copy-Item $File (Join-Path $dir $hex)
        [ordered]@{ digest = "sha256:$hex"; size = (Get-Item $File).Length }
    }
    function Add-JsonBlob([string]$Layout, $Object, [string]$MediaType) {
        $file = Join-Path $work "json-$([guid]::NewGuid().ToString('n'))"
        [IO.File]::WriteAllText($file, ($Object | ConvertTo-Json -Depth 10 -Compress))
        $d = Add-Blob $Layout $file
        Remove-Item $file
        [ordered]@{ mediaType = $MediaType; digest = $d.digest; size = $d.size }
    }
    function New-TestLayer([string]$Layout, [string]$Dir, [ValidateSet('gzip', 'zstd', 'none')][string]$Compression = 'gzip') {
        $tar = Join-Path $work "layer-$([guid]::NewGuid().ToString('n')).tar"
        tar -C $Dir --numeric-owner -cf $tar .
        $diffId = 'sha256:' + (Get-Sha256 $tar)
        $blob = switch ($Compression) {
            'gzip' { gzip -n -c $tar > "$tar.c"; "$tar.c" }
            'zstd' { zstd -q -c $tar > "$tar.c"; "$tar.c" }
            'none' { $tar }
        }
        $d = Add-Blob $Layout $blob
        Remove-Item $tar, "$tar.c" -ErrorAction SilentlyContinue
        $type = @{ gzip = 'application/vnd.oci.image.layer.v1.tar+gzip'; zstd = 'application/vnd.oci.image.layer.v1.tar+zstd'; none = 'application/vnd.oci.image.layer.v1.tar' }[$Compression]
        [pscustomobject]@{ Descriptor = [ordered]@{ mediaType = $type; digest = $d.digest; size = $d.size }; DiffId = $diffId }
    }
    function New-TestImage([string]$Layout, [object[]]$Layers, [hashtable]$Config, [string]$Arch = 'amd64', [string]$Variant) {
        $cfg = [ordered]@{ created = '2026-01-01T00:00:00Z'; architecture = $Arch; os = 'linux'; config = $Config; rootfs = [ordered]@{ type = 'layers'; diff_ids = @($Layers.DiffId) } }
        if ($Variant) { $cfg.variant = $Variant }
        $configDesc = Add-JsonBlob $Layout $cfg 'application/vnd.oci.image.config.v1+json'
        $manifest = [ordered]@{ schemaVersion = 2; mediaType = 'application/vnd.oci.image.manifest.v1+json'; config = $configDesc; layers = @($Layers.Descriptor) }
        $m = Add-JsonBlob $Layout $manifest 'application/vnd.oci.image.manifest.v1+json'
        $m.platform = [ordered]@{ architecture = $Arch; os = 'linux' }
        if ($Variant) { $m.platform.variant = $Variant }
        $m
    }
    function Set-LayoutTag([string]$Layout, [string]$Tag, $Descriptor) {
        Set-Content (Join-Path $Layout 'oci-layout') '{"imageLayoutVersion":"1.0.0"}'
        $indexPath = Join-Path $Layout 'index.json'
        $index = if (Test-Path $indexPath) { Get-Content -Raw $indexPath | ConvertFrom-Json -AsHashtable } else { [ordered]@{ schemaVersion = 2; manifests = @() } }
        $d = [ordered]@{}
        foreach ($k in $Descriptor.Keys) { if ($k -ne 'platform') { $d[$k] = $Descriptor[$k] } }
        $d.annotations = @{ 'org.opencontainers.image.ref.name' = $Tag }
        $index.manifests = @(@($index.manifests) + $d)
        [IO.File]::WriteAllText($indexPath, ($index | ConvertTo-Json -Depth 10 -Compress))
    }
    function Push-TestImage([string]$Layout, [string]$Tag, [string]$Destination, [string[]]$Extra = @()) {
        $out = skopeo copy --quiet --all --preserve-digests --dest-tls-verify=false @Extra "oci:${Layout}:$Tag" "docker://$Destination" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "skopeo copy to $Destination failed: $out" }
    }
    function New-Folder([hashtable]$Files) {
        $dir = Join-Path $work "tree-$([guid]::NewGuid().ToString('n'))"
        foreach ($f in $Files.Keys) {
            $p = Join-Path $dir $f
            New-Item -ItemType Directory -Force (Split-Path $p) | Out-Null
            Set-Content -LiteralPath $p -Value $Files[$f]
        }
        $dir
    }
    function Get-ManifestDigest([string]$Reference) {
        $raw = Join-Path $work 'raw-manifest'
        skopeo inspect --raw --tls-verify=false "docker://$Reference" > $raw
        'sha256:' + (Get-Sha256 $raw)
    }
    function Get-BlobRequests($Registry, [string]$Digest) { @(Get-Content (Join-Path $Registry.Dir 'access.log') | Where-Object { $_ -match "GET /v2/[^ ]+/blobs/$Digest " }).Count }
    # What a failed pull must not change: the image records and the layer directories (a .tmp-* would show).
    function Get-StoreState {
        "images: $((@(Get-MiniImage) | ForEach-Object { "$_ $($_.Id)" } | Sort-Object) -join ', '); layers: $((@(Get-ChildItem -Force $layers -ErrorAction SilentlyContinue) | ForEach-Object Name | Sort-Object) -join ', ')"
    }
    function Invoke-ImageContainer([string]$Image, [string[]]$Command = @(), [hashtable]$Options = @{}) {
        if ($Command.Count) { $Options = $Options + @{ Command = $Command } }
        $c = New-MiniContainer -Image $Image -Name (New-TestName 'reg') @Options
        $out = @(Start-MiniContainer -InputObject $c -Wait 2>$null)
        Remove-MiniContainer -InputObject $c -Force -Confirm:$false
        [string[]]$out
    }

    $script:reg = Start-TestRegistry 'anon'
    $script:layout = Join-Path $work 'layout'
    $script:base = New-TestLayer $layout $env:MINIDOCKER_TEST_ROOTFS 'gzip'
    $appConfig = @{ Cmd = @('sh', '-c', 'cat /arch; echo "$FOO in $(pwd) as $(id -u)"'); Env = @('PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'FOO=bar'); WorkingDir = '/data' }
    $script:amd = New-TestLayer $layout (New-Folder @{ 'arch' = 'amd64'; 'data/keep' = 'keep' }) 'gzip'
    $script:app = New-TestImage $layout @($base, $amd) $appConfig
    Set-LayoutTag $layout 'app' $app
    Push-TestImage $layout 'app' "$($reg.Host)/test/app:v1"
    # v2 shares the base layer and adds one: only the new layer may be fetched.
    $script:extra = New-TestLayer $layout (New-Folder @{ 'data/v2' = 'second' }) 'none'
    Set-LayoutTag $layout 'app2' (New-TestImage $layout @($base, $amd, $extra) $appConfig)
    Push-TestImage $layout 'app2' "$($reg.Host)/test/app:v2"
    # A multi-arch index: amd64 and arm64/v8 (the arm64 one holds the same amd64 busybox so it can run here).
    $arm = New-TestLayer $layout (New-Folder @{ 'arch' = 'arm64' }) 'zstd'
    $index = [ordered]@{ schemaVersion = 2; mediaType = 'application/vnd.oci.image.index.v1+json'; manifests = @($app, (New-TestImage $layout @($base, $arm) @{ Cmd = @('cat', '/arch') } 'arm64' 'v8')) }
    Set-LayoutTag $layout 'multi' (Add-JsonBlob $layout $index 'application/vnd.oci.image.index.v1+json')
    Push-TestImage $layout 'multi' "$($reg.Host)/test/multi:v1"
    # zstd and uncompressed layers only.
    Set-LayoutTag $layout 'zstd' (New-TestImage $layout @((New-TestLayer $layout $env:MINIDOCKER_TEST_ROOTFS 'zstd'), (New-TestLayer $layout (New-Folder @{ 'arch' = 'zstd' }) 'none')) @{ Cmd = @('cat', '/arch') })
    Push-TestImage $layout 'zstd' "$($reg.Host)/test/zstd:v1"
}

AfterAll {
    Get-MiniContainer | Remove-MiniContainer -Force -Confirm:$false
    Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
    foreach ($p in $registries) { if (-not $p.HasExited) { $p.Kill(); $p.WaitForExit() } }
    foreach ($k in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $savedEnv[$k]) }
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}

Describe 'Receive-MiniImage pulls from a real registry' {
    It 'pulls by tag and runs it with the config''s Cmd, Env and WorkingDir' {
        $i = Receive-MiniImage "$($reg.Host)/test/app:v1"
        $i.Name | Should -Be "$($reg.Host)/test/app"
        $i.Tag | Should -Be 'v1'
        $i.Layers.Count | Should -Be 2
        # The id is the sha256 of the config the registry holds, as skopeo reads it.
        $config = Join-Path $work 'config.json'
        skopeo inspect --config --raw --tls-verify=false "docker://$($reg.Host)/test/app:v1" > $config
        $i.Id | Should -Be (Get-Sha256 $config)
        $i.RepoDigests | Should -Be @("$($reg.Host)/test/app@$(Get-ManifestDigest "$($reg.Host)/test/app:v1")")
        Invoke-ImageContainer "$($reg.Host)/test/app:v1" | Should -Be @('amd64', 'bar in /data as 0')
    }

    It 'pulls by digest and finds the image by that digest' {
        $digest = Get-ManifestDigest "$($reg.Host)/test/app:v2"
        $i = Receive-MiniImage "$($reg.Host)/test/app@$digest"
        $i.RepoDigests | Should -Contain "$($reg.Host)/test/app@$digest"
        Invoke-ImageContainer "$($reg.Host)/test/app@$digest" 'cat', '/data/v2' | Should -Be 'second'
    }

    It 'does not fetch a layer that is already stored' {
        Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
        Receive-MiniImage "$($reg.Host)/test/app:v1" | Out-Null
        $baseGets = Get-BlobRequests $reg $base.Descriptor.digest
        $extraGets = Get-BlobRequests $reg $extra.Descriptor.digest
        $verbose = Receive-MiniImage "$($reg.Host)/test/app:v2" -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        Get-BlobRequests $reg $base.Descriptor.digest | Should -Be $baseGets
        Get-BlobRequests $reg $extra.Descriptor.digest | Should -Be ($extraGets + 1)
        "$verbose" | Should -Match "layer $($base.Descriptor.digest) .*already stored"
        Invoke-ImageContainer "$($reg.Host)/test/app:v2" 'cat', '/data/v2', '/arch' | Should -Be @('second', 'amd64')
    }

    It 'takes this machine''s platform from a multi-arch index, or the one -Platform names' {
        Invoke-ImageContainer (Receive-MiniImage "$($reg.Host)/test/multi:v1").ToString() 'cat', '/arch' | Should -Be 'amd64'
        $arm = Receive-MiniImage "$($reg.Host)/test/multi:v1" -Platform linux/arm64/v8
        Invoke-ImageContainer $arm.ToString() | Should -Be 'arm64'
        (Receive-MiniImage "$($reg.Host)/test/multi:v1" -Platform linux/arm64).Id | Should -Be $arm.Id
        { Receive-MiniImage "$($reg.Host)/test/multi:v1" -Platform linux/s390x -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryPlatformNotFound,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage '*linux/amd64, linux/arm64/v8*'
    }

    It 'imports this machine''s platform from a multi-platform OCI layout, or the one -Platform names' {
        $multiLayout = Join-Path $work 'multi-layout'
        $out = skopeo copy --quiet --all --src-tls-verify=false "docker://$($reg.Host)/test/multi:v1" "oci:${multiLayout}:v1" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$out"
        Invoke-ImageContainer (Import-MiniImage $multiLayout -Name 'imported/multi:host').ToString() 'cat', '/arch' | Should -Be 'amd64'
        Invoke-ImageContainer (Import-MiniImage $multiLayout -Name 'imported/multi:arm' -Platform linux/arm64).ToString() | Should -Be 'arm64'
        $before = Get-StoreState
        { Import-MiniImage $multiLayout -Name 'imported/multi:s390x' -Platform linux/s390x -ErrorAction Stop } |
            Should -Throw -ErrorId 'ImagePlatformNotFound,MiniDocker.Commands.ImportMiniImageCommand' -ExpectedMessage '*linux/amd64, linux/arm64/v8*'
        Get-StoreState | Should -Be $before
    }

    It 'pulls every tag of a repository with -AllTags, and refuses -AllTags with a tag' {
        $all = @(Receive-MiniImage "$($reg.Host)/test/app" -AllTags)
        @($all | ForEach-Object ToString) | Should -Be @("$($reg.Host)/test/app:v1", "$($reg.Host)/test/app:v2")
        $tags = (skopeo list-tags --tls-verify=false "docker://$($reg.Host)/test/app" | ConvertFrom-Json).Tags | Sort-Object
        @($all.Tag) | Should -Be @($tags)
        Invoke-ImageContainer "$($reg.Host)/test/app:v2" 'cat', '/data/v2' | Should -Be 'second'
        { Receive-MiniImage "$($reg.Host)/test/app:v1" -AllTags -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidImageReference,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage '*-AllTags takes a repository*'
        { Receive-MiniImage "$($reg.Host)/test/none" -AllTags -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryImageNotFound,MiniDocker.Commands.ReceiveMiniImageCommand'
    }

    It 'reads zstd and uncompressed layers' {
        Invoke-ImageContainer (Receive-MiniImage "$($reg.Host)/test/zstd:v1").ToString() | Should -Be 'zstd'
    }

    It 'names a missing tag or repository with the registry''s message' {
        $before = Get-StoreState
        { Receive-MiniImage "$($reg.Host)/test/app:nope" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryImageNotFound,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage '*MANIFEST_UNKNOWN*'
        { Receive-MiniImage "$($reg.Host)/test/app@sha256:$('0' * 64)" -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryImageNotFound,MiniDocker.Commands.ReceiveMiniImageCommand'
        { Receive-MiniImage 'Bad/UPPER' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidImageReference,MiniDocker.Commands.ReceiveMiniImageCommand'
        Get-StoreState | Should -Be $before
    }

    It 'refuses a blob the registry serves altered, and stores nothing' {
        $layout2 = Join-Path $work 'tamper'
        $victim = New-TestLayer $layout2 (New-Folder @{ 'arch' = 'tampered'; 'big' = ('x' * 300000) + [guid]::NewGuid() }) 'none'
        Set-LayoutTag $layout2 't' (New-TestImage $layout2 @($base, $victim) @{ Cmd = @('cat', '/arch') })
        Push-TestImage $layout2 't' "$($reg.Host)/test/tamper:v1"
        # Edit the registry's own storage: one byte of the layer's data, same size.
        $hex = $victim.Descriptor.digest.Substring(7)
        $data = Join-Path $reg.Data "blobs/sha256/$($hex.Substring(0, 2))/$hex/data"
        $bytes = [IO.File]::ReadAllBytes($data)
        $at = [Math]::Floor($bytes.Length / 2)   # inside the 'big' file's data: the tar stays well-formed
        $bytes[$at] = $bytes[$at] -bxor 0x20
        [IO.File]::WriteAllBytes($data, $bytes)
        $before = Get-StoreState
        { Receive-MiniImage "$($reg.Host)/test/tamper:v1" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryDigestMismatch,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage "*$($victim.Descriptor.digest)*"
        Get-StoreState | Should -Be $before
        @(Get-ChildItem -Force $layers -Filter '.tmp-*').Count | Should -Be 0
    }

    It 'resumes a layer whose connection drops midway, fetching only the rest (Range)' {
        $log = Join-Path $work 'cut.log'
        $proxy = (Start-TestHelper 'redirect', '--upstream', $reg.Host, '--log', $log, '--cut')[0]
        Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
        Test-Path (Join-Path $layers $base.DiffId.Substring(7)) | Should -BeFalse
        $seen = Receive-MiniImage "127.0.0.1:$proxy/test/app:v1" -Verbose 4>&1
        $i = $seen | Where-Object { $_ -is [MiniDocker.Image] }
        # The base layer: a first answer cut halfway, then one request for the rest, which is all it sent.
        $size = $base.Descriptor.size
        $lines = @(Get-Content $log | Where-Object { $_ -like "* $($base.Descriptor.digest) *" })
        $lines.Count | Should -Be 2 -Because ($lines -join "`n")
        $lines[0] -match 'range=- sent=(\d+)$' | Should -BeTrue -Because $lines[0]
        $first = [long]$Matches[1]
        $first | Should -BeGreaterThan 0
        $first | Should -BeLessThan $size
        $lines[1] | Should -BeLike "* range=bytes=$first- sent=$($size - $first)"
        "$($seen | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })" | Should -Match "dropped at byte $first of $size"
        # What was stored is the verified layer (its diff_id checked), and the image runs.
        Test-Path (Join-Path $layers $base.DiffId.Substring(7)) | Should -BeTrue
        Invoke-ImageContainer $i.ToString() | Should -Be @('amd64', 'bar in /data as 0')
    }
    It 'gives up on a layer whose connection drops again and again without progress: RegistryUnreachable, nothing stored' {
        $log = Join-Path $work 'drop.log'
        $proxy = (Start-TestHelper 'redirect', '--upstream', $reg.Host, '--log', $log, '--drop')[0]
        Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
        { Receive-MiniImage "127.0.0.1:$proxy/test/app:v1" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryUnreachable,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage "*$($base.Descriptor.digest) dropped 6 times*"
        # The first answer and five resumes, each from byte 0.
        @(Get-Content $log | Where-Object { $_ -like "* $($base.Descriptor.digest) *" }).Count | Should -Be 6
        @(Get-MiniImage).Count | Should -Be 0
        @(Get-ChildItem -Force $layers -Filter '.tmp-*').Count | Should -Be 0
        # The small layer, complete and verified beside it, may stay (as after Ctrl+C); the dropped one may not.
        @(Get-ChildItem -Force $layers).Name | Where-Object { $_ -ne $amd.DiffId.Substring(7) } | Should -BeNullOrEmpty
    }
}

Describe 'New-MiniContainer -Pull' {
    BeforeAll {
        $script:moving = "$($reg.Host)/test/moving:latest"
        Set-LayoutTag $layout 'one' (New-TestImage $layout @($base, (New-TestLayer $layout (New-Folder @{ 'arch' = 'one' }))) @{ Cmd = @('cat', '/arch') })
        Set-LayoutTag $layout 'two' (New-TestImage $layout @($base, (New-TestLayer $layout (New-Folder @{ 'arch' = 'two' }))) @{ Cmd = @('cat', '/arch') })
        Push-TestImage $layout 'one' $moving
    }

    It 'pulls a missing image, keeps a present one unless Always, and never pulls with Never' {
        { New-MiniContainer -Image $moving -Pull Never } | Should -Throw -ErrorId 'ImageNotFound,MiniDocker.Commands.NewMiniContainerCommand'
        Invoke-ImageContainer $moving | Should -Be 'one'
        Push-TestImage $layout 'two' $moving
        Invoke-ImageContainer $moving | Should -Be 'one'
        Invoke-ImageContainer $moving -Options @{ Pull = 'Never' } | Should -Be 'one'
        Invoke-ImageContainer $moving -Options @{ Pull = 'Always' } | Should -Be 'two'
        Invoke-ImageContainer "$($reg.Host)/test/moving" | Should -Be 'two'
    }
}

Describe 'Send-MiniImage pushes to a real registry' {
    It 'pushes a saved container (with a deleted file) that skopeo reads and a pull brings back' {
        $name = New-TestName 'push'
        New-MiniContainer $env:MINIDOCKER_TEST_ROOTFS sh, -c, 'rm /etc/os-release; mkdir /pushed; echo yes > /pushed/file' -Name $name | Start-MiniContainer -Wait | Out-Null
        ConvertTo-MiniImage $name -ImageName local/pushme:1 | Out-Null
        Remove-MiniContainer $name -Force -Confirm:$false
        $tagged = Add-MiniImageTag local/pushme:1 "$($reg.Host)/pushed/app:v1"
        $tagged.ToString() | Should -Be "$($reg.Host)/pushed/app:v1"
        $pushed = $tagged | Send-MiniImage
        $digest = Get-ManifestDigest "$($reg.Host)/pushed/app:v1"
        $pushed.RepoDigests | Should -Contain "$($reg.Host)/pushed/app@$digest"
        # The same layers written again are the same bytes: a second push finds every blob there and uploads none.
        $verbose = Send-MiniImage $pushed.ToString() -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        @($verbose | Where-Object { "$_" -match 'already in .*not uploaded' }).Count | Should -Be $pushed.Layers.Count
        Get-ManifestDigest "$($reg.Host)/pushed/app:v1" | Should -Be $digest
        # skopeo reads what we pushed, blob by blob (it verifies every digest).
        $out = skopeo copy --quiet --src-tls-verify=false "docker://$($reg.Host)/pushed/app:v1" "oci:$(Join-Path $work 'pulled-by-skopeo'):x" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$out"
        $config = Join-Path $work 'pushed-config.json'
        skopeo inspect --config --raw --tls-verify=false "docker://$($reg.Host)/pushed/app:v1" > $config
        # Pulled back into an empty store: the pushed config's id, the deletion and the new file.
        Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
        $back = Receive-MiniImage "$($reg.Host)/pushed/app:v1"
        $back.Id | Should -Be (Get-Sha256 $config)
        Invoke-ImageContainer $back.ToString() sh, -c, 'cat /pushed/file; ls /etc/os-release 2>&1 || echo gone' | Should -Be @('yes', 'ls: /etc/os-release: No such file or directory', 'gone')
    }
}

Describe 'Save-MiniImage writes what docker load, skopeo and Import-MiniImage read' {
    BeforeAll {
        $script:saveDir = Join-Path $work 'save'
        New-Item -ItemType Directory -Force $saveDir | Out-Null
        $script:pulled = Receive-MiniImage "$($reg.Host)/test/app:v2"
        # skopeo reads a layout through the transport FORMAT names; it checks every blob against its digest as it copies.
        function Test-SkopeoReads([string]$Source) {
            $copy = Join-Path $saveDir "copy-$([guid]::NewGuid().ToString('n'))"
            $out = skopeo copy --quiet $Source "oci:${copy}:x" 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "skopeo copy $Source -> $out"
            $config = Join-Path $saveDir 'skopeo-config.json'
            skopeo inspect --raw --config $Source > $config
            [pscustomobject]@{ ConfigDigest = Get-Sha256 $config; Layers = @((skopeo inspect $Source | ConvertFrom-Json).Layers) }
        }
    }

    It 'writes <Format> that skopeo copies and Import-MiniImage reads back with the same digests, and that runs' -ForEach @(
        @{ Format = 'DockerArchive'; File = 'app.tar'; Transport = 'docker-archive:{0}'; LayerType = 'application/vnd.oci.image.layer.v1.tar' }
        @{ Format = 'OciArchive'; File = 'app-oci.tar'; Transport = 'oci-archive:{0}:v2'; LayerType = 'application/vnd.oci.image.layer.v1.tar+gzip' }
        @{ Format = 'OciLayout'; File = 'app-layout'; Transport = 'oci:{0}:v2'; LayerType = 'application/vnd.oci.image.layer.v1.tar+gzip' }
    ) {
        $path = Join-Path $saveDir $File
        $out = $pulled | Save-MiniImage -Path $path -Format $Format
        $out.FullName | Should -Be $path
        $read = Test-SkopeoReads ($Transport -f $path)
        $read.Layers.Count | Should -Be 3
        # The layout's own index and manifest, read as files: the blobs skopeo checked are the ones listed.
        $blobs = if ($Format -eq 'OciLayout') { $path } else { $x = Join-Path $saveDir "x-$Format"; New-Item -ItemType Directory -Force $x | Out-Null; tar -C $x -xf $path; $x }
        $index = Get-Content -Raw (Join-Path $blobs 'index.json') | ConvertFrom-Json
        $index.manifests.Count | Should -Be 1
        $index.manifests[0].annotations.'org.opencontainers.image.ref.name' | Should -Be 'v2'
        $index.manifests[0].annotations.'io.containerd.image.name' | Should -Be "$($reg.Host)/test/app:v2"
        $manifestFile = Join-Path $blobs "blobs/sha256/$($index.manifests[0].digest.Substring(7))"
        Get-Sha256 $manifestFile | Should -Be $index.manifests[0].digest.Substring(7)
        $manifest = Get-Content -Raw $manifestFile | ConvertFrom-Json
        $manifest.config.digest | Should -Be "sha256:$($read.ConfigDigest)"
        @($manifest.layers.digest) | Should -Be $read.Layers
        @($manifest.layers.mediaType | Select-Object -Unique) | Should -Be $LayerType
        if ($Format -eq 'DockerArchive') {
            $docker = Get-Content -Raw (Join-Path $blobs 'manifest.json') | ConvertFrom-Json
            $docker[0].RepoTags | Should -Be "$($reg.Host)/test/app:v2"
            $docker[0].Config | Should -Be "blobs/sha256/$($read.ConfigDigest)"
            @($docker[0].Layers) | Should -Be @($read.Layers | ForEach-Object { "blobs/sha256/$($_.Substring(7))" })
        }
        # Imported back: the archive's config is the image id; the container sees the same files and config.
        $back = Import-MiniImage $path -Name "saved/$($Format.ToLowerInvariant()):1"
        $back.Id | Should -Be $read.ConfigDigest
        Invoke-ImageContainer $back.ToString() | Should -Be @('amd64', 'bar in /data as 0')
        Invoke-ImageContainer $back.ToString() 'cat', '/data/v2' | Should -Be 'second'
        @(Get-ChildItem -Force $saveDir -Filter '.*tmp-*').Count | Should -Be 0
    }

    It 'keeps the platform of an image pulled for another one (arm64/v8), as the config says' {
        $arm = Receive-MiniImage "$($reg.Host)/test/multi:v1" -Platform linux/arm64/v8
        $arm.Platform | Should -Be 'linux/arm64/v8'
        $path = Join-Path $saveDir 'arm.tar'
        $arm | Save-MiniImage -Path $path | Out-Null
        $config = Join-Path $saveDir 'arm-config.json'
        skopeo inspect --raw --config "docker-archive:$path" > $config
        $c = Get-Content -Raw $config | ConvertFrom-Json
        "$($c.os)/$($c.architecture)/$($c.variant)" | Should -Be 'linux/arm64/v8'
        (Import-MiniImage $path -Name 'saved/arm:1').Platform | Should -Be 'linux/arm64/v8'
    }

    It 'puts several images in one docker archive, each under its name' {
        $one = Import-MiniImage $env:MINIDOCKER_TEST_ROOTFS -Name 'save/one:1'
        $path = Join-Path $saveDir 'two.tar'
        Save-MiniImage 'save/one:1', $pulled.ToString() -Path $path | Out-Null
        $x = Join-Path $saveDir 'x-two'
        New-Item -ItemType Directory -Force $x | Out-Null
        tar -C $x -xf $path
        $docker = Get-Content -Raw (Join-Path $x 'manifest.json') | ConvertFrom-Json
        @($docker.RepoTags) | Should -Be @('save/one:1', "$($reg.Host)/test/app:v2")
        # Each blob once: the layers and configs manifest.json names, and the two manifests.
        @(Get-ChildItem (Join-Path $x 'blobs/sha256')).Count | Should -Be (@($docker.Layers + $docker.Config | Select-Object -Unique).Count + 2)
        (Test-SkopeoReads "docker-archive:${path}:save/one:1").Layers.Count | Should -Be 1
    }

    It 'refuses a non-empty layout folder, a missing image or folder, and leaves nothing behind' {
        $full = Join-Path $saveDir 'full'
        New-Item -ItemType Directory -Force $full | Out-Null
        Set-Content (Join-Path $full 'keep') 'mine'
        { $pulled | Save-MiniImage -Path $full -Format OciLayout -ErrorAction Stop } | Should -Throw -ErrorId 'ExportPathExists,MiniDocker.Commands.SaveMiniImageCommand'
        @(Get-ChildItem $full).Name | Should -Be 'keep'
        { Save-MiniImage 'no/such:image' -Path (Join-Path $saveDir 'none.tar') -ErrorAction Stop } | Should -Throw -ErrorId 'ImageNotFound,MiniDocker.Commands.SaveMiniImageCommand'
        { $pulled | Save-MiniImage -Path (Join-Path $saveDir 'no/such/dir.tar') -ErrorAction Stop } | Should -Throw -ErrorId 'ExportDirectoryNotFound,MiniDocker.Commands.SaveMiniImageCommand'
        Test-Path (Join-Path $saveDir 'none.tar') | Should -BeFalse
        @(Get-ChildItem -Force $saveDir -Filter '.*tmp-*').Count | Should -Be 0
        @(Get-ChildItem -Force (Join-Path $env:MINIDOCKER_ROOT 'images') -Filter '.save-*').Count | Should -Be 0
    }
}

Describe 'Registry credentials: htpasswd basic auth' {
    BeforeAll {
        $htpasswd = Join-Path $work 'htpasswd'
        htpasswd -Bbn tester 's3cret-Pa55' > $htpasswd
        $script:authReg = Start-TestRegistry 'basic' "auth: {htpasswd: {realm: mdtest, path: $htpasswd}}"
        $out = skopeo copy --quiet --preserve-digests --dest-tls-verify=false --dest-creds 'tester:s3cret-Pa55' "oci:${layout}:app" "docker://$($authReg.Host)/private/app:v1" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "push to the auth registry failed: $out" }
        $script:good = [pscredential]::new('tester', (ConvertTo-SecureString 's3cret-Pa55' -AsPlainText -Force))
        $script:bad = [pscredential]::new('tester', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $script:configFile = Join-Path $env:DOCKER_CONFIG 'config.json'
    }

    It 'needs credentials, refuses wrong ones with a specific error and writes nothing' {
        { Receive-MiniImage "$($authReg.Host)/private/app:v1" -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationRequired,MiniDocker.Commands.ReceiveMiniImageCommand'
        { Connect-MiniRegistry $authReg.Host -Credential $bad -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationFailed,MiniDocker.Commands.ConnectMiniRegistryCommand' -ExpectedMessage "*'tester'*"
        Test-Path $configFile | Should -BeFalse
        { Receive-MiniImage "$($authReg.Host)/private/app:v1" -Credential $bad -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationFailed,MiniDocker.Commands.ReceiveMiniImageCommand'
    }

    It 'logs in, pulls with the recorded credentials, and logs out' {
        $login = Connect-MiniRegistry $authReg.Host -Credential $good
        $login.CredentialFile | Should -Be $configFile
        "$($login | Out-String)" | Should -Not -Match 's3cret'
        (Get-Item $configFile).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        $auth = (Get-Content -Raw $configFile | ConvertFrom-Json -AsHashtable).auths[$authReg.Host].auth
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($auth)) | Should -Be 'tester:s3cret-Pa55'
        # skopeo reads what we wrote, as Docker's config.json.
        skopeo inspect --tls-verify=false --authfile $configFile "docker://$($authReg.Host)/private/app:v1" | Out-Null
        $LASTEXITCODE | Should -Be 0
        Invoke-ImageContainer (Receive-MiniImage "$($authReg.Host)/private/app:v1").ToString() | Should -Be @('amd64', 'bar in /data as 0')
        (Send-MiniImage "$($authReg.Host)/private/app:v1" "$($authReg.Host)/private/copy:v1").RepoDigests -like "$($authReg.Host)/private/copy@sha256:*" | Should -HaveCount 1
        Disconnect-MiniRegistry $authReg.Host
        (Get-Content -Raw $configFile | ConvertFrom-Json -AsHashtable).auths.Keys | Should -Not -Contain $authReg.Host
        { Receive-MiniImage "$($authReg.Host)/private/app:v1" -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationRequired,MiniDocker.Commands.ReceiveMiniImageCommand'
        { Send-MiniImage "$($authReg.Host)/private/app:v1" -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationRequired,MiniDocker.Commands.SendMiniImageCommand'
    }

    It 'follows a blob redirect to another origin without sending it the Authorization header' {
        $log = Join-Path $work 'redirect.log'
        $proxy = (Start-TestHelper 'redirect', '--upstream', $authReg.Host, '--log', $log)[0]
        Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
        $i = Receive-MiniImage "127.0.0.1:$proxy/private/app:v1" -Credential $good -Verbose 4>&1 | Where-Object { $_ -is [MiniDocker.Image] -or ($_ -is [System.Management.Automation.VerboseRecord] -and "$_" -match 'ratelimit') } | Tee-Object -Variable seen | Where-Object { $_ -is [MiniDocker.Image] }
        "$seen" | Should -Match 'ratelimit-remaining 42;w=21600 of 100;w=21600'
        { Receive-MiniImage "127.0.0.1:$proxy/ratelimited/app:v1" -Credential $good -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryRateLimited,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage '*You have reached your pull rate limit*'
        { Receive-MiniImage "127.0.0.1:$proxy/forbidden/app:v1" -Credential $good -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryAccessDenied,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage '*requested access to the resource is denied*'
        Invoke-ImageContainer $i.ToString() | Should -Be @('amd64', 'bar in /data as 0')
        # Every blob (config and both layers) came from the other origin, and none with the credentials.
        $lines = @(Get-Content $log)
        $lines.Count | Should -Be 3
        $lines | Should -BeLike 'auth=no *'
    }

    It 'stops a pull midway (as Ctrl+C does) and leaves no partial layer and no image' {
        $proxy = (Start-TestHelper 'redirect', '--upstream', $authReg.Host, '--log', (Join-Path $work 'slow.log'), '--slow')[0]
        Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:MINIDOCKER_MODULE'; Receive-MiniImage '127.0.0.1:$proxy/private/app:v1' -Credential `$args[0]").AddArgument($good)
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Get-ChildItem -Force $layers -Filter '.tmp-*' -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        @(Get-ChildItem -Force $layers -Filter '.tmp-*').Count | Should -BeGreaterThan 0 -Because 'the layer is being extracted when the pull is stopped'
        $ps.Stop()
        $async.IsCompleted | Should -BeTrue
        $ps.Dispose()
        @(Get-MiniImage).Count | Should -Be 0
        @(Get-ChildItem -Force $layers -Filter '.tmp-*').Count | Should -Be 0
        # A layer that was complete and verified before the stop may stay (docker keeps those too); nothing else.
        @(Get-ChildItem -Force $layers).Name | Where-Object { $_ -notin $base.DiffId.Substring(7), $amd.DiffId.Substring(7) } | Should -BeNullOrEmpty
        @(Get-ChildItem -Force $layers).Name | Should -Not -Contain $base.DiffId.Substring(7) -Because 'the big layer was cut off'
    }

    It 'reads a Docker config.json written by another tool' {
        $dockerDir = Join-Path $work 'other-docker'
        New-Item -ItemType Directory -Force $dockerDir | Out-Null
        $entry = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('tester:s3cret-Pa55'))
        Set-Content (Join-Path $dockerDir 'config.json') "{`"auths`":{`"http://$($authReg.Host)/v2/`":{`"auth`":`"$entry`"}}}"
        $env:DOCKER_CONFIG = $dockerDir
        try
        {
            (Receive-MiniImage "$($authReg.Host)/private/app:v1").Tag | Should -Be 'v1'
            # A default credsStore whose helper is not installed (Docker Desktop's "desktop" in WSL) means anonymous, not an error.
            Set-Content (Join-Path $dockerDir 'config.json') '{"credsStore":"not-installed-here"}'
            (Receive-MiniImage "$($reg.Host)/test/app:v1").Tag | Should -Be 'v1'
        }
        finally { $env:DOCKER_CONFIG = Join-Path $work 'docker' }
    }

    It 'asks the credential helper credHelpers names (docker-credential-NAME get)' {
        $bin = Join-Path $work 'bin'
        New-Item -ItemType Directory -Force $bin | Out-Null
        $asked = Join-Path $work 'helper-asked'
        # A helper as Docker runs it: the server on stdin, JSON on stdout, exit 1 when it has nothing.
        Set-Content (Join-Path $bin 'docker-credential-mdtest') @"
#!/bin/sh
read server
echo "`$1 `$server" >> $asked
[ "`$server" = "$($authReg.Host)" ] || { echo 'credentials not found in native keychain'; exit 1; }
echo '{"ServerURL":"$($authReg.Host)","Username":"tester","Secret":"s3cret-Pa55"}'
"@
        chmod +x (Join-Path $bin 'docker-credential-mdtest')
        $dockerDir = Join-Path $work 'helper-docker'
        New-Item -ItemType Directory -Force $dockerDir | Out-Null
        Set-Content (Join-Path $dockerDir 'config.json') "{`"credHelpers`":{`"$($authReg.Host)`":`"mdtest`"}}"
        $savedPath = $env:PATH
        $env:DOCKER_CONFIG = $dockerDir
        $env:PATH = "${bin}:$env:PATH"
        try { (Receive-MiniImage "$($authReg.Host)/private/app:v1").Tag | Should -Be 'v1' }
        finally { $env:DOCKER_CONFIG = Join-Path $work 'docker'; $env:PATH = $savedPath }
        Get-Content $asked | Should -Be "get $($authReg.Host)"
    }
}

Describe 'A plain-HTTP registry that is not on this machine (MINIDOCKER_INSECURE_REGISTRIES)' {
    BeforeAll {
        # A non-loopback address, made only inside the suites' own network namespace (Invoke-PesterSuite's unshare).
        if (-not $env:MINIDOCKER_TEST_PARENT_NETNS -or (Get-Item "/proc/$PID/ns/net").Target -eq $env:MINIDOCKER_TEST_PARENT_NETNS) { throw 'Run this suite through Invoke-PesterSuite.ps1: it needs a network namespace of its own.' }
        ip addr add 10.213.77.1/32 dev lo
        if ($LASTEXITCODE) { throw 'Could not add 10.213.77.1 to lo in the suites'' network namespace.' }
        $script:farReg = Start-TestRegistry 'far' -Address '10.213.77.1'
        Push-TestImage $layout 'app' "$($farReg.Host)/test/app:v1"
    }
    AfterAll {
        $env:MINIDOCKER_INSECURE_REGISTRIES = $null
        ip addr del 10.213.77.1/32 dev lo
    }

    It 'is refused over HTTPS until the setting lists it by host:port, host or network' {
        $env:MINIDOCKER_INSECURE_REGISTRIES = $null
        { Receive-MiniImage "$($farReg.Host)/test/app:v1" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryTlsFailed,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage '*MINIDOCKER_INSECURE_REGISTRIES*'
        foreach ($entry in $farReg.Host, '10.213.77.1', 'other.example:5000, 10.213.0.0/16') {
            $env:MINIDOCKER_INSECURE_REGISTRIES = $entry
            Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
            Invoke-ImageContainer (Receive-MiniImage "$($farReg.Host)/test/app:v1").ToString() | Should -Be @('amd64', 'bar in /data as 0') -Because "listed as '$entry'"
        }
        $env:MINIDOCKER_INSECURE_REGISTRIES = '10.213.78.1, 10.214.0.0/16, 10.213.77.1:1'
        { Receive-MiniImage "$($farReg.Host)/test/app:v1" -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryTlsFailed,MiniDocker.Commands.ReceiveMiniImageCommand'
    }
}

Describe 'Registry over TLS with a test CA' {
    BeforeAll {
        # A CA and a server certificate for 127.0.0.1, made here; the client trusts the CA through SSL_CERT_FILE.
        $pki = Join-Path $work 'pki'
        New-Item -ItemType Directory -Force $pki | Out-Null
        $script:caFile = Join-Path $pki 'ca.crt'
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=MiniDocker test CA' -keyout "$pki/ca.key" -out $caFile 2>&1 | Out-Null
        openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout "$pki/server.key" -out "$pki/server.csr" 2>&1 | Out-Null
        Set-Content "$pki/ext" 'subjectAltName=IP:127.0.0.1'
        openssl x509 -req -in "$pki/server.csr" -CA $caFile -CAkey "$pki/ca.key" -CAcreateserial -days 2 -extfile "$pki/ext" -out "$pki/server.crt" 2>&1 | Out-Null
        $script:tlsReg = Start-TestRegistry 'tls' -Tls ", tls: {certificate: $pki/server.crt, key: $pki/server.key}"
        Push-TestImage $layout 'app' "$($tlsReg.Host)/test/app:v1"
    }

    It 'refuses a certificate it cannot verify with RegistryTlsFailed, and stores nothing' {
        $before = Get-StoreState
        { Receive-MiniImage "$($tlsReg.Host)/test/app:v1" -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistryTlsFailed,MiniDocker.Commands.ReceiveMiniImageCommand' -ExpectedMessage '*SSL_CERT_FILE*'
        Get-StoreState | Should -Be $before
    }

    It 'pulls over TLS when SSL_CERT_FILE names the CA' {
        Get-MiniImage | Remove-MiniImage -Force -Confirm:$false
        # A fresh pwsh: OpenSSL reads SSL_CERT_FILE when it first builds its trust store.
        $env:SSL_CERT_FILE = $caFile
        try { $id = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Import-Module '$env:MINIDOCKER_MODULE'; (Receive-MiniImage '$($tlsReg.Host)/test/app:v1' -ErrorAction Stop).Id" }
        finally { $env:SSL_CERT_FILE = $null }
        $LASTEXITCODE | Should -Be 0
        $id | Should -Be (Get-MiniImage -Name "$($tlsReg.Host)/test/app:v1").Id
        Invoke-ImageContainer "$($tlsReg.Host)/test/app:v1" | Should -Be @('amd64', 'bar in /data as 0')
    }
}

Describe 'Registry with bearer token auth' {
    BeforeAll {
        $script:tokenLog = Join-Path $work 'token.log'
        $cert = Join-Path $work 'token.crt'
        $tokenPort = (Start-TestHelper 'token', '--cert', $cert, '--log', $tokenLog, '--user', 'tester', '--password', 'tok-Pa55')[0]
        $script:tokenReg = Start-TestRegistry 'bearer' "auth: {token: {realm: 'http://127.0.0.1:$tokenPort/token', service: mdreg, issuer: mdtest, rootcertbundle: $cert}}"
        $out = skopeo copy --quiet --preserve-digests --dest-tls-verify=false --dest-creds 'tester:tok-Pa55' "oci:${layout}:app" "docker://$($tokenReg.Host)/bearer/app:v1" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "push to the token registry failed: $out" }
        $script:tokenGood = [pscredential]::new('tester', (ConvertTo-SecureString 'tok-Pa55' -AsPlainText -Force))
        $script:tokenBad = [pscredential]::new('tester', (ConvertTo-SecureString 'nope' -AsPlainText -Force))
    }

    It 'gets a token scoped to the repository from the token server and pulls' {
        { Receive-MiniImage "$($tokenReg.Host)/bearer/app:v1" -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationRequired,MiniDocker.Commands.ReceiveMiniImageCommand'
        { Connect-MiniRegistry $tokenReg.Host -Credential $tokenBad -ErrorAction Stop } | Should -Throw -ErrorId 'RegistryAuthenticationFailed,MiniDocker.Commands.ConnectMiniRegistryCommand'
        Connect-MiniRegistry $tokenReg.Host -Credential $tokenGood | Out-Null
        Clear-Content $tokenLog
        Invoke-ImageContainer (Receive-MiniImage "$($tokenReg.Host)/bearer/app:v1").ToString() | Should -Be @('amd64', 'bar in /data as 0')
        # One token for the whole pull, asked for with the credentials and the pull scope only.
        $requests = @(Get-Content $tokenLog | ConvertFrom-Json)
        $requests.Count | Should -Be 1
        $requests[0].auth | Should -BeTrue
        $requests[0].scope | Should -Be 'repository:bearer/app:pull'
        Disconnect-MiniRegistry $tokenReg.Host
    }
}
