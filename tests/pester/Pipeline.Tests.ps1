# PowerShell habits: names and images through the pipeline, objects that survive serialization
# (Export-Clixml/Import-Clixml, jobs) with the same State and the same table, lists that show values.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'pipe')
    New-Item -ItemType Directory -Force $Work | Out-Null
}

AfterAll { Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue }

Describe 'Names and images from the pipeline' {
    It 'binds strings by value to -Name: ''web'' | Stop-MiniContainer stops it' {
        $name = New-TestName 'web'
        New-MiniContainer $rootfs sleep, 30 -Name $name | Start-MiniContainer
        (Get-MiniContainer $name).State | Should -Be 'Running'
        $name | Stop-MiniContainer -Timeout 5
        $c = Get-MiniContainer $name
        $c.State | Should -Be 'Exited'
        $c.ExitCode | Should -BeIn 143, 137
        $name | Remove-MiniContainer -Confirm:$false
        Get-MiniContainer $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'still binds containers to -InputObject and names of several containers one by one' {
        $a, $b = (New-TestName 'a'), (New-TestName 'b')
        New-MiniContainer $rootfs true -Name $a | Out-Null
        New-MiniContainer $rootfs true -Name $b | Out-Null
        @(Get-MiniContainer $a | Get-MiniContainer).Name | Should -Be $a
        $a, $b | Remove-MiniContainer -Confirm:$false
        @(Get-MiniContainer $a, $b -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'Get-MiniImage | New-MiniContainer makes a container of that image (also from a deserialized image)' {
        $image = New-TestName 'img'
        Import-MiniImage $rootfs -Name "${image}:v1" | Out-Null
        try {
            $name = New-TestName 'fromimg'
            $c = Get-MiniImage "${image}:v1" | New-MiniContainer -Command sh, -c, 'echo from-image' -Name $name
            $c.ImageId | Should -Be (Get-MiniImage "${image}:v1").Id
            @(Start-MiniContainer -InputObject $c -Wait) | Should -Be 'from-image'
            Remove-MiniContainer $name -Confirm:$false

            Get-MiniImage "${image}:v1" | Export-Clixml (Join-Path $Work 'image.xml')
            $c = Import-Clixml (Join-Path $Work 'image.xml') | New-MiniContainer -Command true -Name $name
            $c.ImageId | Should -Be (Get-MiniImage "${image}:v1").Id
            Remove-MiniContainer $name -Confirm:$false
        } finally { Remove-MiniImage "${image}:v1" -Force -Confirm:$false }
    }
}

Describe 'Serialized containers keep their meaning' {
    BeforeAll {
        $script:Name = New-TestName 'ser'
        New-MiniContainer $rootfs sh, -c, 'exit 3' -Name $Name -Memory 64MB -Cpus 0.5 -CapAdd NET_ADMIN -Ulimit nofile=100:200 | Out-Null
        Start-MiniContainer $Name -Wait 2>$null | Out-Null
        $script:Live = Get-MiniContainer $Name
        $script:Xml = Join-Path $Work 'containers.xml'
        $Live | Export-Clixml $Xml
    }
    AfterAll { Remove-MiniContainer $Name -Force -Confirm:$false }

    It 'State round-trips as its name through Export-Clixml/Import-Clixml: Where-Object State -eq Exited matches' {
        $Live.State | Should -Be 'Exited'
        $d = Import-Clixml $Xml
        $d.pstypenames | Should -Contain 'Deserialized.MiniDocker.Container'
        $d.State | Should -BeOfType [string]
        $d.State | Should -Be 'Exited'
        @(Import-Clixml $Xml | Where-Object State -eq Exited).Count | Should -Be 1
        @(Import-Clixml $Xml | Where-Object State -eq Running).Count | Should -Be 0
    }

    It 'State comes back as its name from a job' {
        $j = Start-Job -ScriptBlock { param($m, $n) Import-Module $m; Get-MiniContainer $n } -ArgumentList $env:MINIDOCKER_MODULE, $Name
        $r = $j | Wait-Job -Timeout 120 | Receive-Job
        $j | Remove-Job -Force
        $r.Name | Should -Be $Name
        $r.State | Should -Be 'Exited'
        $r.ExitCode | Should -Be 3
    }

    It 'ConvertTo-Json writes State as its name' {
        ($Live | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue | ConvertFrom-Json).State | Should -Be 'Exited'
    }

    It 'renders a deserialized container with the same table view as a live one' {
        $strip = { param($t) ($t -split "`n" | ForEach-Object { $_ -replace '\d+ seconds ago', 'N seconds ago' }) -join "`n" }
        $live = & $strip ($Live | Format-Table | Out-String -Width 160)
        $deser = & $strip (Import-Clixml $Xml | Format-Table | Out-String -Width 160)
        $live | Should -Match 'Status'
        $live | Should -Match "Exited \(3\)"
        $deser | Should -Be $live
    }

    It 'Format-List shows limits and security settings as values, live and deserialized' {
        foreach ($c in $Live, (Import-Clixml $Xml)) {
            $text = $c | Format-List Limits, Security | Out-String -Width 400
            $text | Should -Not -Match 'MiniDocker\.(ResourceLimits|SecuritySettings)'
            $text | Should -Match 'Limits\s+: Memory=64MiB Cpus=0\.5 Pids=4096'
            $text | Should -Match 'Capabilities=[A-Z_,]*CAP_NET_ADMIN'
            $text | Should -Match 'Seccomp=default'
            $text | Should -Match 'Ulimits=nofile=100:200'
        }
    }
}
