@{
    Synopsis     = 'Saves a stopped container as a new image (docker commit): its changes become a new top layer.'
    Description  = @'
ConvertTo-MiniImage stores the container's own layer (every file it wrote, with its deletions as
OCI whiteouts) as a new layer on top of the image it was created from; a container made from a
rootfs folder gets the folder as its bottom layer. The new image's defaults are the container's
command (as Cmd), environment and working directory. The image's layers are shared, not copied.

The container must not be running (ContainerRunning): stop it first. The image name follows
Import-MiniImage's rules; an existing name moves to the new image.
'@
    Parameters   = @{
        ImageName = 'name[:tag] of the new image (tag default latest).'
    }
    Outputs      = @{ 'MiniDocker.Image' = 'The new image.' }
    Examples     = @(
        @{
            Title   = 'Install something, then keep it as an image'
            Code    = @'
$c = New-MiniContainer -Image alpine:3.20 -Command sh, -c, 'echo configured > /etc/motd'
Start-MiniContainer -InputObject $c -Wait
ConvertTo-MiniImage -InputObject $c -ImageName alpine:configured
'@
            Remarks = 'Containers made from alpine:configured see /etc/motd; alpine:3.20 is unchanged.'
        }
    )
    RelatedLinks = @('Export-MiniContainer', 'New-MiniContainer', 'Get-MiniImage')
}
