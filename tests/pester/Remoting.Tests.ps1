# PowerShell remoting over SSH, for real: the test starts Debian's sshd with its own config, host key and
# client key on a free port of the suite's own loopback (the suites run in a private network namespace), and
# drives MiniDocker through `Invoke-Command -HostName`. That is how one pwsh manages containers on many machines.

BeforeAll {
    Import-Module $env:MINIDOCKER_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:rootfs = $env:MINIDOCKER_TEST_ROOTFS
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'ssh')
    New-Item -ItemType Directory -Force $Work | Out-Null

    # A free port: bind port 0, read what the kernel chose, release it for sshd.
    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $probe.Start(); $script:Port = $probe.LocalEndpoint.Port; $probe.Stop()

    ssh-keygen -q -t ed25519 -N '' -f "$Work/host_key" | Out-Null
    ssh-keygen -q -t ed25519 -N '' -f "$Work/client_key" | Out-Null
    Copy-Item "$Work/client_key.pub" "$Work/authorized_keys"
    New-Item -ItemType Directory -Force /run/sshd | Out-Null   # sshd's privilege-separation directory
    $pwsh = Join-Path $PSHOME 'pwsh'
    @"
ListenAddress 127.0.0.1
Port $Port
HostKey $Work/host_key
AuthorizedKeysFile $Work/authorized_keys
PidFile $Work/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem powershell $pwsh -sshs -NoLogo -NoProfile
"@ | Set-Content "$Work/sshd_config"
    $script:Sshd = Start-Process /usr/sbin/sshd -ArgumentList '-D', '-e', '-f', "$Work/sshd_config" -RedirectStandardError "$Work/sshd.log" -PassThru
    $listening = Wait-Until {
        $c = [Net.Sockets.TcpClient]::new()
        try { $c.Connect([Net.IPAddress]::Loopback, $Port); $true } catch { $false } finally { $c.Dispose() }
    } 10
    if (-not $listening) { throw "sshd did not listen on 127.0.0.1:${Port}: $(Get-Content -Raw "$Work/sshd.log")" }

    # The remote session is a new pwsh: it gets this suite's MiniDocker settings (state root, cgroup parent, ...)
    # and imports the same module, so both ends see the same containers.
    $script:Settings = @{}
    Get-ChildItem env: | Where-Object Name -like 'MINIDOCKER_*' | ForEach-Object { $Settings[$_.Name] = $_.Value }
    $script:Remote = @{
        HostName    = '127.0.0.1'
        Port        = $Port
        UserName    = 'root'
        KeyFilePath = "$Work/client_key"
        Options     = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    }
    $script:Session = New-PSSession @Remote
    Invoke-Command -Session $Session {
        $settings = $using:Settings
        foreach ($k in $settings.Keys) { [Environment]::SetEnvironmentVariable($k, $settings[$k]) }
        Import-Module $env:MINIDOCKER_MODULE
    }
}

AfterAll {
    if ($Session) { Remove-PSSession $Session }
    if ($Sshd) { Stop-Process -Id $Sshd.Id -ErrorAction SilentlyContinue; $Sshd.WaitForExit(5000) | Out-Null }
    Remove-Item -Recurse -Force $Work -ErrorAction SilentlyContinue
}

Describe 'Remoting over SSH to localhost' {
    It 'starts a container remotely that is real here: its hostname inside, Running in the local list' {
        $name = New-TestName 'remote'
        $c = Invoke-Command -Session $Session {
            New-MiniContainer $using:rootfs sleep, 30 -Name $using:name -Hostname remote-box | Start-MiniContainer -PassThru
        }
        try {
            $c.PSObject.TypeNames | Should -Contain 'Deserialized.MiniDocker.Container'
            $c.State | Should -Be 'Running'          # the state's name, not a number, after the round trip
            $c.Name | Should -Be $name
            $local = Get-MiniContainer -Name $name
            $local.Id | Should -Be $c.Id
            $local.State | Should -Be 'Running'
            (Invoke-MiniContainer -Name $name -Command hostname) | Should -Be 'remote-box'
        } finally {
            Remove-MiniContainer -Name $name -Force -Confirm:$false
        }
    }

    It 'returns usable objects: filtering on State, the table view, and piping them back by name' {
        $name = New-TestName 'exited'
        New-MiniContainer $rootfs true -Name $name | Start-MiniContainer -Wait | Out-Null
        try {
            $found = Invoke-Command -Session $Session { Get-MiniContainer } | Where-Object State -eq Exited | Where-Object Name -eq $name
            @($found).Count | Should -Be 1
            $found.ExitCode | Should -Be 0
            ($found | Format-Table | Out-String) | Should -Match "$name\s+.*Exited"
            # A deserialized container goes back into a remote cmdlet by its Name property.
            Invoke-Command -Session $Session { $using:found | Remove-MiniContainer -Confirm:$false }
            Get-MiniContainer -Name $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        } finally {
            Remove-MiniContainer -Name $name -Force -Confirm:$false -ErrorAction SilentlyContinue
        }
    }

    It 'brings a remote error back as an ErrorRecord with its ErrorId' {
        $err = $null
        Invoke-Command -Session $Session { Get-MiniContainer -Name 'no-such-container' } -ErrorVariable err -ErrorAction SilentlyContinue
        @($err).Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Match '^ContainerNotFound'
    }
}
