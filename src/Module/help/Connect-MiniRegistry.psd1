@{
    Synopsis     = 'Checks a user name and password with a registry and records them for later pulls, like docker login.'
    Description  = @'
Connect-MiniRegistry asks the registry's /v2/ endpoint how it authenticates and checks the
credential the same way a pull will use it: Basic on /v2/, or a token from the registry's token
server. A refused credential is a RegistryAuthenticationFailed error and nothing is written.

On success the credential is written, as Docker writes it (auths.HOST.auth = base64 of
user:password; Docker Hub as https://index.docker.io/v1/), to $REGISTRY_AUTH_FILE when that is
set (Podman's rule), else to $DOCKER_CONFIG/config.json or ~/.docker/config.json. The file is
created with mode 0600 and replaced atomically; its other entries (other registries,
credHelpers, credsStore) are kept. docker, podman and skopeo read the same file, and so do
Receive-MiniImage and New-MiniContainer -Pull. The password is never printed or logged.

It outputs an object with Registry, UserName and CredentialFile.
'@
    Parameters   = @{
        Registry   = @{ Description = 'The registry host[:port] (docker.io, localhost:5000, registry.example.com). A URL such as https://index.docker.io/v1/ is reduced to its host.'; Default = 'docker.io' }
        Credential = 'The user name and password (or access token). Prompted for when not given.'
        Insecure   = 'Speak plain HTTP to the registry. Not needed for a registry on this machine, which falls back to HTTP by itself.'
    }
    Examples     = @(
        @{
            Title   = 'Log in to a private registry'
            Code    = 'Connect-MiniRegistry registry.example.com -Credential (Get-Credential)'
            Remarks = 'Login-MiniRegistry is an alias.'
        }
        @{
            Title   = 'Log in from a script without a prompt'
            Code    = @'
$secret = ConvertTo-SecureString $env:REGISTRY_TOKEN -AsPlainText -Force
Connect-MiniRegistry localhost:5000 -Credential ([pscredential]::new('ci', $secret))
'@
            Remarks = 'The secret goes only to the registry and the 0600 credential file.'
        }
    )
    RelatedLinks = @('Disconnect-MiniRegistry', 'Receive-MiniImage')
}
