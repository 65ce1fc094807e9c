# Errors that say what is really wrong (each once misled: "does not exist", "not found", blaming the
# rootfs, a raw .NET exception, "Unable to parse number."), with the container as target, and nothing left behind.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'err')
    # A private copy of the test rootfs: these tests put broken programs into it.
    $script:Root = Join-Path $Work 'rootfs'
    New-Item -ItemType Directory -Force $Work | Out-Null
    Copy-Item -Recurse $env:MINIDOCKER_TEST_ROOTFS $Root
    $script:RunContainers = Join-Path $env:MINIDOCKER_RUN_ROOT 'containers'

    # Runs SCRIPT, which must fail; returns its ErrorRecord.
    function Get-Failure([scriptblock]$Script) {
        try { & $Script; throw 'expected a failure, but it succeeded' } catch { if ($_.Exception.Message -like 'expected a failure*') { throw } ; $_ }
    }
}

AfterAll { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }

Describe 'New-MiniContainer says what is wrong with the rootfs and the command' {
    BeforeEach { $script:Before = @(Get-MiniContainer).Count }
    AfterEach { @(Get-MiniContainer).Count | Should -Be $Before -Because 'a refused container leaves nothing' }

    It 'a rootfs that is a file: RootFsNotDirectory, not "does not exist"' {
        $file = Join-Path $Work 'rootfs.tar'
        Set-Content $file 'not a folder'
        $e = Get-Failure { New-MiniContainer $file true -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'RootFsNotDirectory,*'
        $e.Exception.Message | Should -BeLike "*'$file' is a file, not a folder*Import-MiniImage*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'a command without an execute bit: CommandNotExecutable with its mode, not "not found"' {
        Set-Content (Join-Path $Root 'bin/noexec') 'echo hi'
        chmod 0644 (Join-Path $Root 'bin/noexec')
        $e = Get-Failure { New-MiniContainer $Root /bin/noexec -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandNotExecutable,*'
        $e.Exception.Message | Should -BeLike "*'/bin/noexec'*is not executable (mode 0644)*"
        # Found on PATH the same way.
        $e = Get-Failure { New-MiniContainer $Root noexec -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandNotExecutable,*'
    }

    It 'a script whose #! interpreter is missing: CommandInterpreterNotFound naming the interpreter' {
        Set-Content (Join-Path $Root 'bin/pyscript') "#!/usr/bin/python3 -u`nprint('hi')"
        chmod 0755 (Join-Path $Root 'bin/pyscript')
        $e = Get-Failure { New-MiniContainer $Root /bin/pyscript -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandInterpreterNotFound,*'
        $e.Exception.Message | Should -BeLike "*'/bin/pyscript'*a script for '/usr/bin/python3'*does not exist there*"
    }

    It 'a dynamically linked program without its loader: CommandInterpreterNotFound naming the loader' {
        Copy-Item /usr/bin/true (Join-Path $Root 'bin/dyntrue')
        $loader = (Get-Content /usr/bin/true -AsByteStream -TotalCount 4096 | ForEach-Object { [char]$_ }) -join '' | Select-String -Pattern '/lib[^\x00]*ld-linux[^\x00]*' | ForEach-Object { $_.Matches[0].Value }
        Test-Path (Join-Path $Root $loader) | Should -BeFalse
        $e = Get-Failure { New-MiniContainer $Root /bin/dyntrue -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandInterpreterNotFound,*'
        $e.Exception.Message | Should -BeLike "*dynamically linked and needs its loader '$loader'*"
    }

    It 'a program for another architecture: CommandWrongArchitecture' {
        # The package's helper for the other architecture is a real foreign program.
        $foreign, $built, $runs = if ([MiniDocker.Engine.Launch.HelperBinary]::RuntimeId -eq 'linux-x64') { 'linux-arm64', 'aarch64', 'x86_64' } else { 'linux-x64', 'x86_64', 'aarch64' }
        Copy-Item (Join-Path (Split-Path $env:MINIDOCKER_MODULE) "runtimes/$foreign/mdhelper") (Join-Path $Root 'bin/foreignprog')
        $e = Get-Failure { New-MiniContainer $Root /bin/foreignprog -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandWrongArchitecture,*'
        $e.Exception.Message | Should -BeLike "*built for $built; this machine runs $runs*"
    }
}

Describe 'Start-MiniContainer says what is wrong, and a failed start leaves no run directory' {
    It 'a script whose interpreter vanished after creation: CommandInterpreterNotFound from the exec failure, the container as target' {
        $script = Join-Path $Root 'bin/later'
        Set-Content $script "#!/bin/sh`necho hi"
        chmod 0755 $script
        $name = New-TestName 'interp'
        $c = New-MiniContainer $Root /bin/later -Name $name
        Set-Content $script "#!/opt/gone/sh`necho hi"   # execve now fails with ENOENT although /bin/later exists
        $e = Get-Failure { Start-MiniContainer -InputObject $c -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandInterpreterNotFound,*'
        $e.Exception.Message | Should -BeLike "*'/bin/later'*a script for '/opt/gone/sh'*"
        $e.TargetObject.Name | Should -Be $name
        Join-Path $RunContainers $c.Id | Should -Not -Exist
        (Get-MiniContainer $name).State | Should -Be 'Created'
        Remove-MiniContainer $name -Force -Confirm:$false
    }

    It 'a volume source deleted before start: VolumeSourceNotFound, not the rootfs blamed' {
        $vol = Join-Path $Work 'vol'
        New-Item -ItemType Directory -Force $vol | Out-Null
        $name = New-TestName 'vol'
        $c = New-MiniContainer $Root true -Volume "${vol}:/data" -Name $name
        Remove-Item $vol
        $e = Get-Failure { Start-MiniContainer -InputObject $c -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'VolumeSourceNotFound,*'
        $e.Exception.Message | Should -BeLike "*Volume source '$vol' of container '$name' no longer exists*"
        $e.Exception.Message | Should -Not -BeLike '*rootfs*'
        $e.TargetObject.Name | Should -Be $name
        Join-Path $RunContainers $c.Id | Should -Not -Exist
        Get-ContainerCgroupDirectory $c.Id | Should -BeNullOrEmpty
        Remove-MiniContainer $name -Force -Confirm:$false
    }
}

Describe 'Export and import say what is wrong with the file' {
    It 'Export-MiniContainer to a missing folder: ExportDirectoryNotFound, the container as target, no temp file' {
        $name = New-TestName 'exp'
        New-MiniContainer $Root true -Name $name | Out-Null
        $path = Join-Path $Work 'no/such/dir/out.tar'
        $e = Get-Failure { Export-MiniContainer $name -Path $path -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ExportDirectoryNotFound,*'
        $e.Exception.Message | Should -BeLike "*the folder '$(Split-Path $path)' does not exist*"
        $e.TargetObject.Name | Should -Be $name
        $e = Get-Failure { Export-MiniContainer $name -Path $Work -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ExportPathIsDirectory,*'
        @(Get-ChildItem $Work -Filter '*.tmp*').Count | Should -Be 0
        Remove-MiniContainer $name -Force -Confirm:$false
    }

    It 'a file that is not a tar: ImageArchiveInvalid says its first block is not a tar header' {
        $bad = Join-Path $Work 'garbage.tar'
        [IO.File]::WriteAllBytes($bad, [byte[]](, 65 * 4096))
        $e = Get-Failure { Import-MiniImage $bad -Name (New-TestName 'bad') -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ImageArchiveInvalid,*'
        $e.Exception.Message | Should -BeLike "*'$bad' is not a valid tar archive: its first block is not a tar header*"
        @(Get-MiniImage | Where-Object Source -eq $bad).Count | Should -Be 0
    }

    It 'a tar damaged after an entry: ImageArchiveInvalid names the last good entry' {
        $good = Join-Path $Work 'good.tar'
        tar -C $Root -cf $good bin/mdtest bin/noexec
        $bytes = [IO.File]::ReadAllBytes($good)
        # The second header starts after the first header and mdtest's data (padded to 512); its size field is at +124.
        $second = 512 + [Math]::Ceiling((Get-Item (Join-Path $Root 'bin/mdtest')).Length / 512) * 512
        for ($i = 0; $i -lt 11; $i++) { $bytes[$second + 124 + $i] = [byte][char]'Z' }
        $damaged = Join-Path $Work 'damaged.tar'
        [IO.File]::WriteAllBytes($damaged, $bytes)
        $e = Get-Failure { Import-MiniImage $damaged -Name (New-TestName 'dmg') -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ImageArchiveInvalid,*'
        $e.Exception.Message | Should -BeLike "*the tar header after entry 'bin/mdtest' is corrupt*damaged*"
    }
}
