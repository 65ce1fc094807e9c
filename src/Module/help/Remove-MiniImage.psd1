@{
    Synopsis     = 'Removes an image name, and the image with its unshared layers once no name is left.'
    Description  = @'
Remove-MiniImage removes the name:tag the image was given (an image with other tags keeps
them). When the last name goes, or the image is named by id, the image record is deleted and
so is every layer that no other image and no container needs; layers shared with another image
stay.

An image a container was created from is not removed (ImageInUse) unless -Force is given; with
-Force the image goes but the container keeps running from its layers, which are deleted when
the last container using them is removed.
'@
    Parameters   = @{
        Name        = 'name[:tag] (tag default latest, wildcards allowed) or a unique id prefix of the images to remove.'
        InputObject = 'Image objects from Get-MiniImage, usually piped in; each removes the name:tag it was listed under.'
        Force       = 'Removes the image even while containers use it; their layers stay until they are removed.'
    }
    Examples     = @(
        @{ Title = 'Remove one image'; Code = 'Remove-MiniImage alpine:3.20'; Remarks = 'Fails with ImageInUse while a container made from it exists.' }
        @{ Title = 'Remove every image'; Code = 'Get-MiniImage | Remove-MiniImage -Force'; Remarks = 'Layers still used by containers stay until those are removed.' }
    )
    RelatedLinks = @('Get-MiniImage', 'Import-MiniImage')
}
