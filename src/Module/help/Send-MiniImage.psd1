@{
    Synopsis     = 'Pushes a stored image (imported, pulled or made by ConvertTo-MiniImage) to a container registry, like docker push.'
    Description  = @'
Send-MiniImage writes the image as an OCI image to the registry -Destination names (or the
image's own name): each layer directory becomes a gzip layer tar again (overlay whiteouts as
.wh. files, opaque directories as .wh..wh..opq), written to a temporary 0600 file under the
image store while its digests are computed; a blob the repository already has is not uploaded
(HEAD); the others are uploaded in one request each (POST then PUT ?digest=). Then the config
(Env, Entrypoint, Cmd, WorkingDir, User, the image's platform as its own config named it, else
this machine's, the layers' diff_ids) and the
manifest (PUT, by tag).

The store keeps extracted files rather than the original layer tars, so the layer digests and
the image id on the registry are those of the tars written here; pulling the pushed image back
gives an image with the pushed config's id. The image gets name@sha256:MANIFEST in its
RepoDigests and, when -Destination is a new name, that name as a tag (docker tag + docker push).

Credentials, TLS, -Insecure and the error ids are the same as for Receive-MiniImage; the token
asked for has scope repository:NAME:pull,push. A push without write access is
RegistryAccessDenied or RegistryAuthenticationRequired.
'@
    Parameters   = @{
        Name        = 'The stored image: name[:tag] (tag defaults to latest) or a unique id prefix. Image objects from Get-MiniImage can be piped in.'
        Destination = @{ Description = 'Where to push: [registry[:port]/]repository:tag, such as localhost:5000/team/app:1.0. A tag is required (the registry computes the digest).'; Default = 'The image''s own name' }
        Insecure    = 'Speak plain HTTP to the registry. Not needed for a registry on this machine, which falls back to HTTP by itself.'
        Credential  = 'A user name and password (or token) for this push only, instead of the recorded credentials.'
    }
    Examples     = @(
        @{
            Title   = 'Save a container as an image and push it'
            Code    = @'
ConvertTo-MiniImage web -ImageName web:snapshot
Send-MiniImage web:snapshot localhost:5000/team/web:snapshot
'@
            Remarks = 'Push-MiniImage is an alias. docker pull localhost:5000/team/web:snapshot gets it back.'
        }
    )
    RelatedLinks = @('Receive-MiniImage', 'Add-MiniImageTag', 'Connect-MiniRegistry', 'ConvertTo-MiniImage')
}
