@{
    Synopsis     = 'Forgets the credentials recorded for a registry, like docker logout.'
    Description  = @'
Disconnect-MiniRegistry removes the registry's entries from the file Connect-MiniRegistry writes
($REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json or ~/.docker/config.json) and from Docker's
file, keeping every other entry and the file's 0600 mode. A registry with no recorded
credentials gives a warning. Credentials kept by a credential helper (credsStore) are not
touched: remove them with the helper.
'@
    Parameters   = @{
        Registry = @{ Description = 'The registry host[:port] to forget.'; Default = 'docker.io' }
    }
    Examples     = @(
        @{
            Title   = 'Log out of a private registry'
            Code    = 'Disconnect-MiniRegistry registry.example.com'
            Remarks = 'Logout-MiniRegistry is an alias. Later pulls from it are anonymous.'
        }
    )
    RelatedLinks = @('Connect-MiniRegistry', 'Receive-MiniImage')
}
