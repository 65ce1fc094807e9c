@{
    Synopsis     = 'Pulls images from a container registry (Docker Hub, a private or local registry) into the image store, like docker pull.'
    Description  = @'
Receive-MiniImage speaks the OCI distribution API to the registry the reference names: alpine and
user/app are on Docker Hub (docker.io, library/ added for one-component names), a first
component with a '.' or ':' or localhost is a registry host (localhost:5000/team/app). It takes
OCI image indexes and manifests and Docker manifest lists and schema 2 manifests; from a
multi-platform image it takes this machine's platform, or -Platform. Layers may be gzip, zstd
or uncompressed tar. The image config's Env, Cmd, Entrypoint, WorkingDir and User become the
container defaults, as with Import-MiniImage.

Every blob and manifest is checked while it streams: its SHA-256 and size must be the ones the
manifest (or the digest you gave) names, and each extracted layer must match the config's
diff_id. A mismatch is a RegistryDigestMismatch error and nothing is stored. Layers download
three at a time straight into the content-addressed layer store; a layer already there (same
diff_id, from any image) is not fetched again. A connection that drops in the middle of a layer
is picked up where it stopped: the rest is asked for with Range: bytes=N- and goes into the same
extraction (up to five drops in a row without progress; a registry that ignores Range has its
first N bytes skipped), and -Verbose says so. The pull is all or nothing: the image record is
written after every layer is in, and Ctrl+C or a failure leaves no partial layer. Write-Progress
shows each layer and the whole pull (bytes and rate); -Verbose shows the registry's
ratelimit-remaining and which layers were already stored.

The image is stored under its familiar name (alpine:3.20, localhost:5000/team/app:v1) and, as
RepoDigests, under name@sha256:MANIFEST, so a pull by digest can be used with
New-MiniContainer -Image name@sha256:....

Authentication follows the registry's challenge: anonymous, Basic, or a Bearer token from its
token server (scope repository:NAME:pull). Credentials come from -Credential, else from
Connect-MiniRegistry or docker login ($DOCKER_CONFIG/config.json or ~/.docker/config.json: auths,
credHelpers and credsStore through docker-credential-NAME), else $REGISTRY_AUTH_FILE or
$XDG_RUNTIME_DIR/containers/auth.json (Podman). Redirects are followed, but Authorization is never
sent to another host. HTTPS is used unless -Insecure; a registry on this machine (localhost,
127.0.0.0/8, ::1) falls back to plain HTTP by itself, as Docker allows, and so does one listed in
the MINIDOCKER_INSECURE_REGISTRIES environment variable (Docker's insecure-registries: entries
separated by commas or spaces, each host:port, a host for any port, or a network such as
10.0.0.0/8). A registry with a private CA: put the CA bundle in the SSL_CERT_FILE environment
variable.

-AllTags pulls every tag of a repository (GET /v2/NAME/tags/list, all pages), one after the other,
like docker pull --all-tags; the name is then a repository without tag or digest.

Errors: RegistryAuthenticationRequired (401, no credentials), RegistryAuthenticationFailed (401,
credentials refused), RegistryAccessDenied (403), RegistryImageNotFound (404),
RegistryRateLimited (429), RegistryTlsFailed, RegistryUnreachable, RegistryDigestMismatch,
RegistryPlatformNotFound, RegistryManifestUnsupported, InvalidImageReference; each carries the
registry's own message.
'@
    Parameters   = @{
        Name       = @'
Image references: [registry[:port]/]repository[:tag][@sha256:digest]; the tag defaults to
latest. Several names, or names from the pipeline, are pulled one after the other.
'@
        Platform   = @{ Description = 'os/arch[/variant] to take from a multi-platform image, such as linux/arm64/v8 or linux/amd64. For arm64, v8 also takes an entry without a variant. RegistryPlatformNotFound lists what the image offers.'; Default = "This machine's (linux/amd64 here)" }
        Insecure   = 'Speak plain HTTP to the registry (a registry without TLS). Not needed for a registry on this machine, which falls back to HTTP by itself.'
        Credential = 'A user name and password (or token) for this pull only, instead of the recorded credentials. Never written anywhere.'
        AllTags    = 'Pull every tag the registry has for the repository -Name names (without a tag or digest: InvalidImageReference otherwise), like docker pull --all-tags. One image object per tag.'
    }
    Examples     = @(
        @{
            Title   = 'Pull from Docker Hub and run it'
            Code    = @'
Receive-MiniImage alpine:3.20
New-MiniContainer -Image alpine:3.20 -Command cat, /etc/alpine-release | Start-MiniContainer -Wait
'@
            Remarks = 'The image is stored as alpine:3.20; Get-MiniImage lists it.'
        }
        @{
            Title   = 'Pin an image by digest, for another platform'
            Code    = 'Receive-MiniImage docker.io/library/alpine@sha256:<64 hex digits> -Platform linux/arm64/v8'
            Remarks = 'The manifest must hash to the digest given; the arm64 image is chosen from the index.'
        }
        @{
            Title   = 'A private registry with a login'
            Code    = @'
Connect-MiniRegistry registry.example.com -Credential (Get-Credential)
Pull-MiniImage registry.example.com/team/app:1.4 -Verbose
'@
            Remarks = 'Pull-MiniImage and Request-MiniImage are aliases of Receive-MiniImage; -Verbose shows the rate limit left.'
        }
        @{
            Title   = 'Every tag of a repository on a plain-HTTP registry in the lab network'
            Code    = @'
$env:MINIDOCKER_INSECURE_REGISTRIES = 'registry.lab:5000, 10.20.0.0/16'
Receive-MiniImage registry.lab:5000/team/app -AllTags
'@
            Remarks = 'The listed registry speaks plain HTTP when HTTPS fails; -AllTags lists its tags and pulls each.'
        }
    )
    Notes        = 'The verb: Receive (approved, "accepts information sent from a connected source"), paired with Send for a later push; Pull-MiniImage (what a Docker user guesses) and Request-MiniImage (microsoft/Docker-PowerShell''s name) are aliases.'
    RelatedLinks = @('Connect-MiniRegistry', 'Import-MiniImage', 'Get-MiniImage', 'New-MiniContainer')
}
