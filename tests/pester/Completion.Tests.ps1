# Tab completion as a user gets it (TabExpansion2 on a command line), and the about_MiniDocker topic.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    # The completion texts for LINE with the cursor at its end.
    function Get-Completion([string]$Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText) }
}

Describe 'State-aware container names' {
    BeforeAll {
        $script:Tag = New-TestName 'cmp'
        $script:Running = "$Tag-running"
        $script:Created = "$Tag-created"
        New-MiniContainer $env:MINIDOCKER_TEST_ROOTFS sleep, 60 -Name $Running | Start-MiniContainer
        New-MiniContainer $env:MINIDOCKER_TEST_ROOTFS true -Name $Created | Out-Null
    }
    AfterAll { Remove-MiniContainer "$Tag-*" -Force -Confirm:$false }

    It 'Stop-MiniContainer offers running containers only' {
        $names = Get-Completion "Stop-MiniContainer -Name $Tag"
        $names | Should -Contain $Running
        $names | Should -Not -Contain $Created
    }

    It 'Start-MiniContainer offers stopped containers only' {
        $names = Get-Completion "Start-MiniContainer $Tag"
        $names | Should -Contain $Created
        $names | Should -Not -Contain $Running
    }

    It '-Id offers short ids, state-aware like names' {
        $running = (Get-MiniContainer -Name $Running).ShortId
        $created = (Get-MiniContainer -Name $Created).ShortId
        $ids = Get-Completion "Stop-MiniContainer -Id "
        $ids | Should -Contain $running
        $ids | Should -Not -Contain $created
        Get-Completion "Start-MiniContainer -Id $($created.Substring(0, 6))" | Should -Be $created
    }

    It 'Remove-MiniContainer and Get-MiniContainer offer every container' {
        foreach ($cmd in 'Remove-MiniContainer', 'Get-MiniContainer') {
            $names = Get-Completion "$cmd $Tag"
            $names | Should -Contain $Created
            $names | Should -Contain $Running
        }
    }
}

Describe 'Network modes' {
    It 'New-MiniContainer -Network offers every mode, the rootless ones included' {
        $modes = Get-Completion "New-MiniContainer -Network "
        foreach ($m in 'none', 'host', 'pasta', 'slirp4netns') { $modes | Should -Contain $m }
        Get-Completion "New-MiniContainer -Network sl" | Should -Be 'slirp4netns'
        Get-Completion "New-MiniContainer -Network pa" | Should -Be 'pasta'
    }
}

Describe 'A Tab press only reads' {
    It 'does not reconcile: a container whose init died stays recorded Running with its cgroup until a command looks' {
        $c = New-MiniContainer $env:MINIDOCKER_TEST_ROOTFS sleep, 60 -Name (New-TestName 'cmpread') | Start-MiniContainer -PassThru
        $record = Join-Path $env:MINIDOCKER_ROOT "containers/$($c.Id)/config.json"
        $before = Get-Content -Raw $record
        Stop-Process -Id $c.Pid -Force   # behind the engine's back: the monitor records the exit, the record still says Running
        Wait-Until { Test-Path (Join-Path $env:MINIDOCKER_RUN_ROOT "containers/$($c.Id)/exit") } | Should -Be $true
        Get-Completion "Stop-MiniContainer $($c.Name)" | Should -Be $c.Name   # offered as the record has it
        Get-Completion "Remove-MiniContainer $($c.Name)" | Should -Be $c.Name
        Get-Content -Raw $record | Should -Be $before
        Get-ContainerCgroupDirectory $c.Id | Should -Not -BeNullOrEmpty
        # The first command reconciles.
        (Get-MiniContainer -Name $c.Name).State | Should -Be 'Exited'
        Get-Content -Raw $record | Should -Not -Be $before
        Remove-MiniContainer -InputObject $c
    }
}

Describe 'Security and image parameters' {
    It '-CapAdd and -CapDrop complete capability names' {
        Get-Completion 'New-MiniContainer ./rootfs sh -CapAdd NET_' | Should -Be @('NET_ADMIN', 'NET_BROADCAST', 'NET_BIND_SERVICE', 'NET_RAW')
        Get-Completion 'New-MiniContainer ./rootfs sh -CapDrop A' | Should -Contain 'ALL'
        Get-Completion 'New-MiniContainer ./rootfs sh -CapDrop SYS_CH' | Should -Be 'SYS_CHROOT'
    }

    It '-SecurityOpt completes the options MiniDocker understands' {
        Get-Completion 'New-MiniContainer ./rootfs sh -SecurityOpt secc' | Should -Be @('seccomp=unconfined', 'seccomp=')
        Get-Completion 'New-MiniContainer ./rootfs sh -SecurityOpt no-' | Should -Contain 'no-new-privileges=false'
    }

    It '-Ulimit completes resource names, and a completed name is accepted' {
        Get-Completion 'New-MiniContainer ./rootfs sh -Ulimit nof' | Should -Be 'nofile='
        Get-Completion 'New-MiniContainer ./rootfs sh -Ulimit n' | Should -Contain 'nproc='
        $name = New-TestName 'ul'
        $c = New-MiniContainer $env:MINIDOCKER_TEST_ROOTFS true -Name $name -Ulimit (@(Get-Completion 'New-MiniContainer x y -Ulimit nproc')[0] + '64')
        ($c.Security.Ulimits | Where-Object Name -eq nproc).Hard | Should -Be 64
        Remove-MiniContainer $name -Confirm:$false
    }

    It '-Memory and -MemorySwap offer example sizes that the parameter accepts' {
        $sizes = Get-Completion 'New-MiniContainer ./rootfs sh -Memory '
        $sizes | Should -Contain '512MB'
        $sizes | Should -Not -Contain '-1'
        Get-Completion 'Set-MiniContainerLimit web -MemorySwap ' | Should -Contain '-1'
        $name = New-TestName 'mem'
        $c = New-MiniContainer $env:MINIDOCKER_TEST_ROOTFS true -Name $name -Memory (Invoke-Expression $sizes[0])
        $c.Limits.MemoryBytes | Should -Be 256MB
        Remove-MiniContainer $name -Confirm:$false
    }

    It '-User completes the users and groups of the -RootFs folder, not the host''s' {
        $root = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'usr')
        New-Item -ItemType Directory -Force "$root/etc" | Out-Null
        "root:x:0:0::/root:/bin/sh`nappuser:x:1234:1234::/home/app:/bin/sh" | Set-Content "$root/etc/passwd"
        "root:x:0:`nappgroup:x:1234:" | Set-Content "$root/etc/group"
        Push-Location (Split-Path $root)
        try {
            Get-Completion "New-MiniContainer $root sh -User app" | Should -Be 'appuser'
            Get-Completion "New-MiniContainer ./$(Split-Path $root -Leaf) sh -User app" | Should -Be 'appuser'   # relative to $PWD
            Get-Completion "New-MiniContainer $root sh -User appuser:app" | Should -Be 'appuser:appgroup'
            Get-Completion "New-MiniContainer $root sh -User " | Should -Not -Contain 'daemon'   # the host has it; the folder does not
        } finally {
            Pop-Location
            Remove-Item -Recurse -Force $root
        }
    }

    It '-Image completes imported images' {
        $image = New-TestName 'cimg'
        Import-MiniImage $env:MINIDOCKER_TEST_ROOTFS -Name "${image}:v1" | Out-Null
        try { Get-Completion "New-MiniContainer -Image $image" | Should -Be "${image}:v1" }
        finally { Remove-MiniImage "${image}:v1" -Force -Confirm:$false }
    }
}

Describe 'about_MiniDocker' {
    It 'is a help topic with concepts, configuration, security model and troubleshooting' {
        $text = Get-Help about_MiniDocker | Out-String
        foreach ($section in 'CONCEPTS', 'CONFIGURATION', 'SECURITY MODEL', 'TROUBLESHOOTING') { $text | Should -Match $section }
        $text | Should -Match 'CommandInterpreterNotFound'
    }
}
