@{
    Synopsis     = 'Gives a stored image another name:tag, like docker tag.'
    Description  = @'
Add-MiniImageTag records another name for an image in the store; its layers are not copied. A
name:tag another image had moves to this one (the other keeps its other names, or is listed as
<none>). Names may start with a registry host[:port] (localhost:5000/team/app:1.0), so an image
can be tagged for Send-MiniImage. InvalidImageName for a malformed name, ImageNotFound when the
image does not exist.
'@
    Parameters   = @{
        Name = 'The stored image: name[:tag] or a unique id prefix.'
        Tag  = 'The new name[:tag]; the tag defaults to latest.'
    }
    Examples     = @(
        @{
            Title   = 'Tag an imported image for a local registry and push it'
            Code    = 'Add-MiniImageTag alpine:3.20 localhost:5000/base/alpine:3.20 | Send-MiniImage'
            Remarks = 'Tag-MiniImage is an alias; the piped image is pushed under its new name.'
        }
    )
    RelatedLinks = @('Send-MiniImage', 'Get-MiniImage', 'Remove-MiniImage')
}
